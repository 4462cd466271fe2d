/**
 * Configuration from environment variables, validated at start. Every problem is collected and reported
 * at once; a bad value never silently falls back to a default.
 */
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import type { Likelihood } from './core/types.js';
import { DEFAULT_MAX_DIMENSION, MAX_DIMENSION_RANGE } from './core/limits.js';
import { DRAW_CORRELATION } from './core/thompson.js';
import { KEY_PATTERN } from './access/keys.js';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** SQLite file inside dataDir. */
  dbFile: string;
  synchronous: 'NORMAL' | 'FULL';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** After this, a decision with no outcome is learned as an ignore. */
  feedbackWindowMs: number;
  bodyLimitBytes: number;
  /**
   * Requests worked on at once before new ones answer 503 + Retry-After; 0 = no limit. A request counts from its
   * arrival until the event loop next turns after its answer (src/http/middleware/inflight-limit.ts says why).
   */
  maxInflight: number;
  /** A request not answered within this answers 503 + Retry-After (its work may still complete). */
  requestTimeoutMs: number;
  /** Largest accepted body of POST /v1/decisions/batch (up to 10,000 customers with their context). */
  batchBodyLimitBytes: number;
  /** The request timeout of POST /v1/decisions/batch, in place of requestTimeoutMs (a batch decides for seconds). */
  batchTimeoutMs: number;
  /** Likelihood for actions that do not name one. */
  defaultLikelihood: Likelihood;
  /** Prior response rate of a fresh logistic model (the bias prior mean is its logit). */
  priorRate: number;
  /** Minimum priority (sampled propensity × value × lever) for an action to be offered; below it: no action. */
  minPriority: number;
  /** Monte Carlo re-draws for each decision's selection probabilities. */
  probabilityDraws: number;
  /** ρ in [0, 1): correlation of the actions' Thompson deviates within one decision (src/core/thompson.ts). */
  drawCorrelation: number;
  /**
   * Share in [0, 1) of customers (by a hash of customerId and UTC month) and of anonymous decisions (by a draw) in the
   * always-on control group (DESIGN.md §9.1): they get a uniform pick among the actions every policy allows; 0 = off.
   */
  controlShare: number;
  /** How often the learner looks for new feedback. */
  learnerIntervalMs: number;
  /** At most this many feedback rows per learner cycle. */
  learnerBatchLimit: number;
  /**
   * Whether this process learns. Off: decisions are served and outcomes recorded, but posteriors stay frozen until
   * a process with the learner on (or a restart with it on) folds the recorded feedback in.
   */
  learnerEnabled: boolean;
  /** Worker threads for posterior updates. */
  workers: number;
  /** Evidence half-life in observations per action (forgetting); 0 = no forgetting. */
  forgettingHalfLife: number;
  /** Restart every model from the prior when an action's outcomes move away from its model (drift). */
  changeDetection: boolean;
  /** How often to check whether another process (an ops script) changed models or the catalog. */
  reloadIntervalMs: number;
  /** How often the expirer turns overdue decisions into ignores. */
  expireIntervalMs: number;
  /**
   * Group commit: decisions are answered once their batch has committed; a batch collects for at most this long
   * (0 = one batch per event-loop turn).
   */
  decisionFlushMs: number;
  /** Largest encoded dimension d (bias + feature slots + channel slots) a schema PUT may declare. */
  maxDimension: number;
  /** Decisions waiting for their commit beyond which new decisions answer 503 (backpressure on writes). */
  maxPendingWrites: number;
  /** WAL size past which the background checkpointer restarts the WAL, truncated to this size (db/checkpointer.ts). */
  walLimitBytes: number;
  /**
   * Closed, learned decisions older than this are deleted with their feedback (src/retention/pruner.ts); null = off
   * (keep everything).
   */
  retentionMs: number | null;
  /** Personalizer loop: actions no rank has named for this long are retired with their models; null = never. */
  personalizerActionTtlMs: number | null;
  /** How often the retention job runs. */
  retentionIntervalMs: number;
  /** Seed the demo bank catalog and schema when the database is empty. */
  seedDemo: boolean;
  /**
   * Fault injection for crash tests only: 'crash-before-commit' kills the process (SIGKILL) after the learner has
   * computed its first batch and before it commits it.
   */
  faultInjection: 'none' | 'crash-before-commit';
  /** API keys: 'auto' checks them once any key exists (open before that, on a loopback HOST only); 'off' never. */
  auth: 'auto' | 'off';
  /** An ops key (named `bootstrap`) ensured at start, for containers; never logged. */
  bootstrapOpsKey: string | undefined;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2 };

/** Parses '24h', '90s', '500ms', '2d' or a bare number of milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = (match[2] ?? 'ms').toLowerCase();
  return Number(match[1]) * (DURATION_UNITS_MS[unit] ?? Number.NaN);
}

/** Parses '1mb', '512kb', '1048576'. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m)?\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = (match[2] ?? 'b').toLowerCase();
  return Math.floor(Number(match[1]) * (SIZE_UNITS[unit] ?? Number.NaN));
}

type Env = Record<string, string | undefined>;

/** Reads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Env, cwd: string = process.cwd()): Readonly<Config> {
  const problems: string[] = [];
  const read = <T>(name: string, fallback: string, parse: (raw: string) => T | undefined, rule: string): T => {
    const raw = env[name] ?? fallback;
    const value = parse(raw);
    if (value === undefined) problems.push(`${name}=${JSON.stringify(raw)}: ${rule}`);
    return value as T;
  };
  const int = (lo: number, hi: number) => (raw: string) => {
    const n = Number(raw);
    return Number.isInteger(n) && n >= lo && n <= hi && raw.trim() !== '' ? n : undefined;
  };
  const num = (lo: number, hi: number, openLo = false) => (raw: string) => {
    const n = Number(raw);
    const aboveLo = openLo ? n > lo : n >= lo;
    return raw.trim() !== '' && Number.isFinite(n) && aboveLo && n <= hi ? n : undefined;
  };
  const duration = (lo: number, hi: number) => (raw: string) => {
    const ms = parseDuration(raw);
    return ms !== undefined && ms >= lo && ms <= hi ? ms : undefined;
  };
  const oneOf = <T extends string>(...values: T[]) => (raw: string) => values.find((v) => v === raw.trim());
  const bool = (raw: string) => ({ true: true, '1': true, false: false, '0': false })[raw.trim().toLowerCase()];

  const dataDir = resolve(cwd, env.KAIROS_DATA_DIR ?? './data');
  const config: Config = {
    port: read('PORT', '3000', int(0, 65_535), 'an integer port 0–65535'),
    host: read('HOST', '127.0.0.1', (raw) => (raw.trim() ? raw.trim() : undefined), 'a host name or address'),
    dataDir,
    dbFile: join(dataDir, 'kairos.db'),
    synchronous: read('KAIROS_SYNCHRONOUS', 'NORMAL', oneOf('NORMAL', 'FULL'), 'NORMAL or FULL'),
    logLevel: read('LOG_LEVEL', 'info', oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'), 'a pino level'),
    feedbackWindowMs: read('KAIROS_FEEDBACK_WINDOW', '24h', duration(1_000, 365 * 86_400_000), 'a duration from 1s to 365d, e.g. 24h'),
    bodyLimitBytes: read('KAIROS_BODY_LIMIT', '1mb', (raw) => {
      const size = parseSize(raw);
      return size !== undefined && size >= 1024 && size <= 64 * 1024 ** 2 ? size : undefined;
    }, 'a size from 1kb to 64mb'),
    maxInflight: read('KAIROS_MAX_INFLIGHT', '128', int(0, 100_000), 'an integer 0–100000 (0 = no limit)'),
    requestTimeoutMs: read('KAIROS_REQUEST_TIMEOUT', '10s', duration(100, 300_000), 'a duration from 100ms to 5m'),
    batchBodyLimitBytes: read('KAIROS_BATCH_BODY_LIMIT', '16mb', (raw) => {
      const size = parseSize(raw);
      return size !== undefined && size >= 1024 && size <= 256 * 1024 ** 2 ? size : undefined;
    }, 'a size from 1kb to 256mb'),
    batchTimeoutMs: read('KAIROS_BATCH_TIMEOUT', '2m', duration(1_000, 600_000), 'a duration from 1s to 10m'),
    defaultLikelihood: read('KAIROS_LIKELIHOOD', 'logistic', oneOf<Likelihood>('logistic', 'linear'), 'logistic or linear'),
    priorRate: read('KAIROS_PRIOR_RATE', '0.05', (raw) => { const n = num(0, 1, true)(raw); return n !== undefined && n < 1 ? n : undefined; }, 'a rate in (0, 1)'),
    minPriority: read('KAIROS_MIN_PRIORITY', '0', num(-1e12, 1e12), 'a number'),
    probabilityDraws: read('KAIROS_PROBABILITY_DRAWS', '100', int(0, 100_000), 'an integer 0–100000'),
    drawCorrelation: read('KAIROS_DRAW_CORRELATION', String(DRAW_CORRELATION), (raw) => { const n = num(0, 1)(raw); return n !== undefined && n < 1 ? n : undefined; }, 'a number in [0, 1)'),
    controlShare: read('KAIROS_CONTROL_SHARE', '0.02', (raw) => { const n = num(0, 1)(raw); return n !== undefined && n < 1 ? n : undefined; }, 'a share in [0, 1) (0 = no control group)'),
    learnerIntervalMs: read('KAIROS_LEARNER_INTERVAL', '250ms', duration(10, 60_000), 'a duration from 10ms to 60s'),
    learnerBatchLimit: read('KAIROS_LEARNER_BATCH', '5000', int(1, 1_000_000), 'an integer 1–1000000'),
    learnerEnabled: read('KAIROS_LEARNER', 'on', (raw) => ({ on: true, off: false })[raw.trim()], 'on or off'),
    workers: read('KAIROS_WORKERS', String(Math.max(1, Math.min(4, cpus().length))), int(1, 64), 'an integer 1–64'),
    forgettingHalfLife: read('KAIROS_FORGETTING_HALF_LIFE', '0', num(0, 1e12), 'a number of observations ≥ 0 (0 = off)'),
    changeDetection: read('KAIROS_CHANGE_DETECTION', 'off', (raw) => ({ on: true, off: false })[raw.trim()], 'on or off'),
    reloadIntervalMs: read('KAIROS_RELOAD_INTERVAL', '1s', duration(50, 60_000), 'a duration from 50ms to 60s'),
    expireIntervalMs: read('KAIROS_EXPIRE_INTERVAL', '30s', duration(100, 3_600_000), 'a duration from 100ms to 1h'),
    maxDimension: read(
      'KAIROS_MAX_DIMENSION',
      String(DEFAULT_MAX_DIMENSION),
      int(MAX_DIMENSION_RANGE.min, MAX_DIMENSION_RANGE.max),
      `an integer ${MAX_DIMENSION_RANGE.min}–${MAX_DIMENSION_RANGE.max}`,
    ),
    decisionFlushMs: read('KAIROS_DECISION_FLUSH', '0', duration(0, 1_000), 'a duration from 0 to 1s'),
    maxPendingWrites: read('KAIROS_MAX_PENDING_WRITES', '5000', int(1, 1_000_000), 'an integer 1–1000000'),
    walLimitBytes: read('KAIROS_WAL_LIMIT', '16mb', (raw) => {
      const size = parseSize(raw);
      return size !== undefined && size >= 1024 ** 2 && size <= 1024 ** 3 ? size : undefined;
    }, 'a size from 1mb to 1024mb'),
    personalizerActionTtlMs: read(
      'KAIROS_PERSONALIZER_ACTION_TTL',
      '30d',
      // Longer than the longest reward wait (2 days) plus a day, so an open event's action is never retired under it.
      (raw) => (raw.trim() === 'off' ? null : duration(3 * 86_400_000, 100 * 365 * 86_400_000)(raw)),
      'a duration from 3d (e.g. 30d), or off',
    ),
    retentionMs: read('KAIROS_RETENTION', '90d', (raw) => (raw.trim() === 'off' ? null : duration(1_000, 100 * 365 * 86_400_000)(raw)), 'a duration from 1s (e.g. 90d, 2m, 90s), or off'),
    retentionIntervalMs: read('KAIROS_RETENTION_INTERVAL', '1m', duration(1_000, 86_400_000), 'a duration from 1s to 1d'),
    seedDemo: read('KAIROS_DEMO', 'true', bool, 'true or false'),
    faultInjection: read('KAIROS_FAULT_INJECTION', 'none', oneOf('none', 'crash-before-commit'), 'none or crash-before-commit'),
    auth: read('KAIROS_AUTH', 'auto', oneOf('auto', 'off'), 'auto or off'),
    bootstrapOpsKey: env.KAIROS_BOOTSTRAP_OPS_KEY,
  };
  // The value is a secret: the problem names the rule, never echoes the value.
  if (config.bootstrapOpsKey !== undefined && !KEY_PATTERN.test(config.bootstrapOpsKey)) {
    problems.push(
      'KAIROS_BOOTSTRAP_OPS_KEY: must be kairos_ followed by 43–200 base64url characters (A–Z a–z 0–9 _ -, ≥ 256 bits); ' +
        'generate one with `npm run keys -- generate`',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
