/**
 * Off-policy evaluations (DESIGN.md §9.2): checks a request before anything runs (window, policies, settings,
 * probabilities), records it, runs the replay off the event loop (runner.ts) and keeps its progress, results or
 * error. An evaluation found 'running' when the service starts died with its process and is marked failed.
 */
import { DEFAULT_WINDOW_MS, parseTimeParam } from '../dashboard/window.js';
import { AppError } from '../errors.js';
import type { EvaluationRecord, EvaluationStore, WindowSummary } from './evaluation-store.js';
import type { EvaluationRunner } from './runner.js';
import { resolvePolicies } from './settings.js';
import type { ServiceSetup } from './setup.js';
import type { CandidatePolicy, EvaluationRequest, PolicySettings, ReplaySetup, ResultRow, SkippedCounts } from './types.js';

export const MAX_LIST = 100;

export interface EvaluationBody {
  from?: string | number;
  to?: string | number;
  channel?: string;
  policies: { name: string; settings?: Record<string, unknown> }[];
}

/** The answer shape of GET /v1/evaluations/{id} (/work contract: measure-contract.md). */
export interface EvaluationView {
  evaluationId: string;
  status: EvaluationRecord['status'];
  progress: number;
  rows: number;
  createdAt: string;
  finishedAt: string | null;
  request: { from: string; to: string; channel: string | null; policies: CandidatePolicy[] };
  error: string | null;
  results: ResultRow[];
  /** Rows every estimate uses, and those left out by why (null until done). */
  evaluated: number | null;
  skipped: SkippedCounts | null;
}

export interface EvaluationService {
  start(body: EvaluationBody): EvaluationView;
  get(id: string): EvaluationView;
  list(limit: number): EvaluationView[];
  /** Resolves with the evaluation once it is done or failed (the evaluate script waits on it). */
  whenFinished(id: string): Promise<EvaluationView>;
  /** Stops running evaluations (they are recorded as failed). */
  close(): Promise<void>;
}

export interface EvaluationServiceDeps {
  store: EvaluationStore;
  runner: EvaluationRunner;
  /** The catalog, rules and settings as they stand (read at each start). */
  setup: () => ServiceSetup;
  baseline: PolicySettings;
  now: () => number;
  newId: () => string;
  /** Seed of each evaluation's Monte Carlo direct term. */
  seed?: () => number;
}

/**
 * ISO-8601 or Unix ms (a number, or a string of digits); undefined when it is neither — with the measurement routes'
 * strict parser (no rolled-over dates, no date-time without an offset).
 */
export function parseInstant(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  return parseTimeParam(value);
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function viewOf(r: EvaluationRecord): EvaluationView {
  return {
    evaluationId: r.id,
    status: r.status,
    progress: r.progress,
    rows: r.rows,
    createdAt: iso(r.createdAt),
    finishedAt: r.finishedAt === null ? null : iso(r.finishedAt),
    request: { from: iso(r.request.from), to: iso(r.request.to), channel: r.request.channel, policies: r.request.policies },
    error: r.error,
    results: r.outcome?.results ?? [],
    evaluated: r.outcome?.evaluated ?? null,
    skipped: r.outcome?.skipped ?? null,
  };
}

/** What is checked before an evaluation starts, and what it runs on. */
export interface PreparedEvaluation {
  request: EvaluationRequest;
  summary: WindowSummary;
  setup: ReplaySetup;
}

/**
 * Checks a request as POST /v1/evaluations does — the policies and their settings (400), the window (400 naming
 * `from`), a window with no closed decision (422) or with decisions that cannot be weighted (409) — and resolves
 * what the replay runs on. Writes nothing (the evaluate script uses it on a database it only reads).
 */
export function prepareEvaluation(body: EvaluationBody, deps: Pick<EvaluationServiceDeps, 'setup' | 'baseline' | 'now' | 'seed'> & { summarize: EvaluationStore['summarize'] }): PreparedEvaluation {
  const { accepted, resolved } = resolvePolicies(body.policies, deps.baseline);
  const problems = [];
  const to = body.to === undefined ? deps.now() : parseInstant(body.to);
  if (to === undefined) problems.push({ field: 'to', message: 'an ISO-8601 time or Unix milliseconds' });
  const from = body.from === undefined ? (to ?? 0) - DEFAULT_WINDOW_MS : parseInstant(body.from);
  if (from === undefined) problems.push({ field: 'from', message: 'an ISO-8601 time or Unix milliseconds' });
  if (problems.length > 0) throw new AppError('validation', 'the window is not valid', problems);
  if (!(from! < to!)) throw new AppError('validation', '`from` must be before `to`', [{ field: 'from', message: `must be before to (${iso(to!)})` }]);
  const channel = body.channel ?? null;
  const summary = deps.summarize({ from: from!, to: to!, channel });
  if (summary.closed === 0) {
    throw new AppError('unprocessable', `no closed decisions between ${iso(from!)} and ${iso(to!)}${channel === null ? '' : ` on channel '${channel}'`}: nothing to evaluate`, [
      { field: 'from', message: 'the window holds no decision whose outcome is in' },
    ]);
  }
  if (summary.unusable > 0) {
    throw new AppError(
      'conflict',
      `${summary.unusable} decision${summary.unusable === 1 ? '' : 's'} in the window, from ${iso(summary.unusableFrom!)} to ${iso(summary.unusableTo!)}, ` +
        'were made without a usable selection probability (probabilities off, logged before they were stored, or 0 for the choice made): ' +
        'they cannot be weighted, so the window cannot be evaluated; choose a window after them',
      [{ field: 'from', message: `decisions without probabilities until ${iso(summary.unusableTo!)}` }],
    );
  }
  return {
    request: { from: from!, to: to!, channel, policies: accepted },
    summary,
    setup: { ...deps.setup(), policies: resolved, seed: deps.seed?.() ?? 1 },
  };
}

export function createEvaluationService(deps: EvaluationServiceDeps): EvaluationService {
  const { store } = deps;
  store.failRunning('the service stopped before the evaluation finished', deps.now());
  const finished = new Map<string, Promise<void>>();

  return {
    start(body) {
      const { request, summary, setup } = prepareEvaluation(body, { ...deps, summarize: (w) => store.summarize(w) });
      const { from, to, channel } = request;
      const record: EvaluationRecord = {
        id: deps.newId(),
        createdAt: deps.now(),
        status: 'running',
        progress: 0,
        request,
        rows: summary.decisions,
        outcome: null,
        error: null,
        finishedAt: null,
      };
      store.create(record);
      let settle!: () => void;
      finished.set(record.id, new Promise<void>((resolve) => (settle = resolve)));
      const end = (write: () => void): void => {
        try {
          write();
        } finally {
          finished.delete(record.id);
          settle();
        }
      };
      deps.runner.start(
        { window: { from, to, channel }, setup, total: summary.decisions },
        {
          progress: (done) => store.setProgress(record.id, done),
          done: (outcome) => end(() => store.finish(record.id, outcome, deps.now())),
          failed: (message) => end(() => store.fail(record.id, message, deps.now())),
        },
      );
      return viewOf(record);
    },
    get(id) {
      const record = store.get(id);
      if (!record) throw new AppError('not_found', `evaluation '${id}' does not exist`, [{ field: 'evaluationId', message: 'no such evaluation' }]);
      return viewOf(record);
    },
    async whenFinished(id) {
      await finished.get(id);
      return this.get(id);
    },
    list: (limit) => store.list(Math.min(MAX_LIST, limit)).map(viewOf),
    close: () => deps.runner.close(),
  };
}
