/**
 * WAL benchmark: the WAL file's size under continuous writes through the service's own engine (group-committed
 * decisions, one transaction per feedback as the route commits it, the learner folding in worker threads), with the
 * background checkpointer configured two ways in the same run:
 *  - passive: what main did before issue #9 — wal_checkpoint(PASSIVE) every second, no journal_size_limit;
 *  - bounded: the service's checkpointer now — PASSIVE every 250 ms, RESTART past KAIROS_WAL_LIMIT, journal_size_limit.
 * Each phase writes `--rate` decisions/s, each with one outcome, on a fresh temp database with the demo catalog
 * (d = 43, 22 actions), and samples the WAL file every 50 ms. Decisions are asked open-loop at their due times and
 * timed to their commit, so the table also shows what the WAL restarts cost the decisions (p99, max). Prints a line
 * per 5 s, a table, then one JSON line.
 *
 *   npm run bench:wal -- [--seconds 45] [--rate 1000] [--limit-mb 16] [--mode both|passive|bounded] [--json]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startCheckpointer } from '../db/checkpointer.js';
import { openDb } from '../db/open.js';
import { loadConfig } from '../src/config.js';
import { createRng } from '../src/core/rng.js';
import { createEngine } from '../src/engine.js';
import { PROCESS_IO, positiveInt, runCli, UsageError } from './lib/args.js';

const USAGE = `Usage: npm run bench:wal -- [options]
  --seconds <s>     seconds of writing per phase (default 45)
  --rate <n>        decisions per second, each with one outcome (default 1000)
  --limit-mb <n>    KAIROS_WAL_LIMIT of the bounded phase, in MB (default 16)
  --mode <m>        both (default), passive or bounded
  --json            print only the JSON line
  -h, --help        this help
`;

const MB = 1024 ** 2;
const SAMPLE_MS = 50;
const TICK_MS = 1;
/** Decisions asked and not yet answered, at most (the generator slows down beyond it). */
const MAX_OUTSTANDING = 5_000;
const BANDS = ['low', 'lower_middle', 'middle', 'upper_middle', 'high'];
const CHANNELS = ['app', 'web', 'email', 'branch', 'call_center'];

interface PhaseResult {
  mode: 'passive' | 'bounded';
  seconds: number;
  decisions: number;
  feedback: number;
  decisionsPerSec: number;
  /** From each decision's due time to its commit. */
  latencyMs: { p50: number; p99: number; max: number };
  /** wal_checkpoint(RESTART) runs, and how long each held the writer off at most / on average. */
  restarts: number;
  restartMsMax: number;
  restartMsMean: number;
  walMaxMb: number;
  walEndMb: number;
  dbMb: number;
}

const size = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};
const mb = (bytes: number): number => Math.round((bytes / MB) * 10) / 10;

function percentiles(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => +(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN).toFixed(2);
  return { p50: at(0.5), p99: at(0.99), max: +(sorted[sorted.length - 1] ?? NaN).toFixed(2) };
}

async function phase(mode: 'passive' | 'bounded', seconds: number, rate: number, limitBytes: number, say: (line: string) => void): Promise<PhaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-bench-wal-'));
  const config = loadConfig({ KAIROS_DATA_DIR: dir, KAIROS_DEMO: 'true', KAIROS_WORKERS: '1', LOG_LEVEL: 'silent' }, dir);
  const bounded = mode === 'bounded';
  const db = openDb(config.dbFile, { autoCheckpoint: false, ...(bounded ? { journalSizeLimitBytes: limitBytes } : {}) });
  const checkpointer = startCheckpointer(
    config.dbFile,
    bounded ? { intervalMs: 250, walLimitBytes: limitBytes } : { intervalMs: 1_000, walLimitBytes: Infinity },
    (message) => say(`checkpoint error: ${message}`),
  );
  const engine = createEngine(db, config, { logger: pino({ level: 'silent' }), updater: 'pool', seed: 7 });
  engine.start();
  const wal = `${config.dbFile}-wal`;
  let walMax = 0;
  const sampler = setInterval(() => {
    walMax = Math.max(walMax, size(wal));
  }, SAMPLE_MS);
  const rng = createRng(11);
  let decisions = 0;
  let feedback = 0;
  let outstanding = 0;
  const latencies: number[] = [];
  const started = performance.now();
  let nextReport = 5;
  // Open loop: decision i is due at started + i/rate and is asked then (or as soon as the thread is free), without
  // waiting for earlier answers, as independent clients would; its latency runs from its due time to its commit.
  const ask = (dueAt: number): void => {
    outstanding += 1;
    engine.services.decisions
      .decide({
        channel: CHANNELS[Math.floor(rng.nextFloat() * CHANNELS.length)]!,
        context: { age: 18 + Math.floor(rng.nextFloat() * 70), incomeBand: BANDS[Math.floor(rng.nextFloat() * BANDS.length)], digitalActive: rng.nextFloat() < 0.5 },
      })
      .then((answer) => {
        outstanding -= 1;
        latencies.push(performance.now() - dueAt);
        const chosen = answer.actions[0];
        if (!chosen) return;
        // One transaction per outcome, as POST /v1/decisions/{id}/feedback commits it before its 202.
        engine.services.feedback.record(answer.decisionId, { actionId: chosen.actionId, outcome: rng.nextFloat() < 0.2 ? 'response' : 'ignore' });
        feedback += 1;
      })
      .catch((error: unknown) => {
        outstanding -= 1;
        say(`decision failed: ${String(error)}`);
      });
  };
  try {
    for (;;) {
      const now = performance.now();
      const elapsedS = (now - started) / 1000;
      if (elapsedS >= seconds) break;
      if (elapsedS >= nextReport) {
        say(`  ${mode} ${nextReport}s: ${decisions} decisions, WAL ${mb(size(wal))} MB (max ${mb(walMax)} MB), db ${mb(size(config.dbFile))} MB`);
        nextReport += 5;
      }
      const due = Math.min(Math.floor(rate * elapsedS) - decisions, MAX_OUTSTANDING - outstanding);
      for (let i = 0; i < due; i++) ask(started + ((decisions + i) * 1000) / rate);
      decisions += Math.max(0, due);
      await new Promise((resolve) => (due > 0 ? setImmediate(resolve) : setTimeout(resolve, TICK_MS)));
    }
    while (outstanding > 0) await new Promise((resolve) => setImmediate(resolve));
    const r0 = await checkpointer.stats();
    const elapsedS = (performance.now() - started) / 1000;
    walMax = Math.max(walMax, size(wal));
    return {
      mode,
      seconds: Math.round(elapsedS),
      decisions,
      feedback,
      decisionsPerSec: Math.round(decisions / elapsedS),
      latencyMs: percentiles(latencies),
      restarts: r0.restarts,
      restartMsMax: +r0.restartMsMax.toFixed(1),
      restartMsMean: r0.restarts > 0 ? +(r0.restartMsTotal / r0.restarts).toFixed(1) : 0,
      walMaxMb: mb(walMax),
      walEndMb: mb(size(wal)),
      dbMb: mb(size(config.dbFile)),
    };
  } finally {
    clearInterval(sampler);
    await engine.close();
    await checkpointer.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  return runCli(
    argv,
    PROCESS_IO,
    {
      options: {
        seconds: { type: 'string' },
        rate: { type: 'string' },
        'limit-mb': { type: 'string' },
        mode: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      usage: USAGE,
      helpCommand: 'npm run bench:wal -- --help',
    },
    async (values) => {
      const seconds = positiveInt(values.seconds, 'seconds', 45);
      const rate = positiveInt(values.rate, 'rate', 1_000);
      const limitBytes = positiveInt(values['limit-mb'], 'limit-mb', 16) * MB;
      const mode = values.mode ?? 'both';
      if (!['both', 'passive', 'bounded'].includes(mode)) throw new UsageError('--mode must be both, passive or bounded');
      const say = (line: string): void => {
        if (!values.json) process.stderr.write(`${line}\n`);
      };
      const results: PhaseResult[] = [];
      for (const m of mode === 'both' ? (['passive', 'bounded'] as const) : [mode as 'passive' | 'bounded']) {
        say(`${m}: ${rate} decisions/s + as many outcomes for ${seconds} s`);
        results.push(await phase(m, seconds, rate, limitBytes, say));
      }
      if (!values.json) {
        console.log('| checkpointer | s | decisions/s | decisions | outcomes | decision p50 / p99 / max ms | WAL restarts (mean / max ms) | WAL max MB | WAL at end MB | db MB |');
        console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
        for (const r of results) {
          const l = r.latencyMs;
          const t = `${r.restarts} (${r.restartMsMean} / ${r.restartMsMax})`;
          console.log(`| ${r.mode} | ${r.seconds} | ${r.decisionsPerSec} | ${r.decisions} | ${r.feedback} | ${l.p50} / ${l.p99} / ${l.max} | ${t} | ${r.walMaxMb} | ${r.walEndMb} | ${r.dbMb} |`);
        }
      }
      console.log(JSON.stringify({ bench: 'wal', rate, limitMb: limitBytes / MB, results }));
      return 0;
    },
  );
}

main(process.argv.slice(2)).then((code) => process.exit(code));
