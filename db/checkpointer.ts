/**
 * WAL checkpoints off the event loop, with a bounded WAL. The service's connection has automatic checkpoints turned
 * off (`openDb(file, { autoCheckpoint: false })`); this worker thread holds its own connection to the same file and:
 *  1. every interval runs `PRAGMA wal_checkpoint(PASSIVE)`, which never blocks the writer and copies what it can;
 *  2. as soon as the WAL file is over `walLimitBytes` (its size is checked every 50 ms), runs PASSIVE passes and
 *     then `wal_checkpoint(RESTART)`.
 * Why step 2: the WAL only starts over from its beginning when a writer finds it fully copied, and under continuous
 * writes a PASSIVE checkpoint never catches up (frames are appended while it copies), so the file grows without
 * bound (measured on the issue: 4.75 GB in 3 minutes at 400 decisions/s + 400 feedback/s). RESTART waits (busy
 * timeout, in this thread) for the writer's current transaction, holds new writers off while it copies the few
 * frames the PASSIVE passes left, and waits for readers to leave the WAL, so the service's next commit starts the
 * WAL over; with `journal_size_limit` on the service connection (openDb) that commit also truncates the file to the
 * limit. The service's next commit waits at most for that short copy (measured by `bench:wal`: 1.6–2.6 ms on average
 * at 1,000 decisions/s + 1,000 outcomes/s, 4.7 ms at 3,000 + 3,000); TRUNCATE, which also empties the file, held
 * writers off 3–4 times longer.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface CheckpointerOptions {
  /** How often the thread checkpoints. */
  intervalMs: number;
  /** WAL size past which a tick restarts the WAL (after its PASSIVE passes); Infinity = PASSIVE only. */
  walLimitBytes: number;
  /** How long a restarting checkpoint waits for the writer and readers before giving up until later (default 50; it holds writers off meanwhile, and backs off while a reader keeps it busy). */
  restartWaitMs?: number;
}

/** What the restarts cost: each one holds the service's writes off for at most its duration. */
export interface CheckpointStats {
  restarts: number;
  restartMsTotal: number;
  restartMsMax: number;
}

export interface Checkpointer {
  /** WAL restarts so far and how long they took (benchmarks report it). */
  stats(): Promise<CheckpointStats>;
  /** Runs one checkpoint tick now (as the timer does); resolves to the WAL's size in bytes after it. */
  tick(): Promise<number>;
  /** Stops the thread after a last checkpoint and closes its connection. */
  close(): Promise<void>;
}

// The worker is plain CommonJS evaluated from this string: it needs nothing but better-sqlite3 and runs the same
// way under tsx, vitest and compiled JavaScript.
const WORKER_SOURCE = `
const { statSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
const wal = workerData.file + '-wal';
const BUSY_MS = 1000;
db.pragma('busy_timeout = ' + BUSY_MS);
const walBytes = () => { try { return statSync(wal).size; } catch { return 0; } };
// After a restart that could not finish (a long reader), wait this many ticks before holding writers off again.
let backoff = 0;
let busyStreak = 0;
let lastPassive = 0;
const stats = { restarts: 0, restartMsTotal: 0, restartMsMax: 0 };
let restartedAt = -1;
const tick = (force) => {
  try {
    const over = walBytes() > workerData.walLimitBytes;
    if (!over && !force && Date.now() - lastPassive < workerData.intervalMs) return walBytes();
    let [pass] = db.pragma('wal_checkpoint(PASSIVE)');
    lastPassive = Date.now();
    if (walBytes() > workerData.walLimitBytes) {
      // More PASSIVE passes first (they never block the writer), so the restart below, which holds writers off
      // while it copies, has only the last few frames left to copy.
      for (let n = 0; n < 4 && pass && pass.log - pass.checkpointed > 16; n++) [pass] = db.pragma('wal_checkpoint(PASSIVE)');
      // Once restarted, the file is reused (and cut to journal_size_limit) by the service's next commit; until the
      // WAL has grown again there is nothing left to restart.
      const waiting = pass && pass.log === pass.checkpointed && restartedAt === pass.log;
      if (waiting) {
        // nothing to do
      } else if (backoff > 0) {
        backoff -= 1;
      } else {
        db.pragma('busy_timeout = ' + workerData.restartWaitMs);
        const started = performance.now();
        try {
          const [result] = db.pragma('wal_checkpoint(RESTART)');
          if (result && result.busy) {
            // A reader holds an old snapshot (a script, a backup, a shell): the restart cannot finish until it lets
            // go, and every try holds writers off for restartWaitMs. Back off exponentially, up to about a minute.
            busyStreak = Math.min(busyStreak + 1, 8);
            backoff = 8 * 2 ** (busyStreak - 1);
          } else if (result) {
            busyStreak = 0;
            restartedAt = result.log;
          }
        } finally {
          db.pragma('busy_timeout = ' + BUSY_MS);
          const ms = performance.now() - started;
          stats.restarts += 1;
          stats.restartMsTotal += ms;
          stats.restartMsMax = Math.max(stats.restartMsMax, ms);
        }
      }
    }
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
  return walBytes();
};
// The size is checked often (a stat is cheap), so the WAL overshoots the limit by little more than what is written
// while a restart runs; the PASSIVE pass runs every intervalMs, or at once when the WAL is over the limit.
const timer = setInterval(() => tick(false), Math.min(workerData.intervalMs, workerData.checkMs));
parentPort.on('message', (message) => {
  if (message === 'stats') {
    parentPort.postMessage({ stats });
    return;
  }
  if (message && message.tick !== undefined) {
    backoff = 0;
    parentPort.postMessage({ tick: message.tick, walBytes: tick(true) });
    return;
  }
  if (message !== 'stop') return;
  clearInterval(timer);
  tick(true);
  db.close();
  parentPort.close();
});
`;

/** How often the thread compares the WAL's size with the limit. */
const SIZE_CHECK_MS = 50;

export function startCheckpointer(file: string, options: CheckpointerOptions, onError: (message: string) => void): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const walLimitBytes = Number.isFinite(options.walLimitBytes) ? options.walLimitBytes : Number.MAX_SAFE_INTEGER;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, intervalMs: options.intervalMs, checkMs: SIZE_CHECK_MS, walLimitBytes, restartWaitMs: options.restartWaitMs ?? 50, driver },
  });
  const ticks = new Map<number, (walBytes: number) => void>();
  let nextTick = 0;
  const statsWaiters: ((stats: CheckpointStats) => void)[] = [];
  worker.on('message', (message: { error?: string; tick?: number; walBytes?: number; stats?: CheckpointStats }) => {
    if (message.error) onError(message.error);
    if (message.stats) statsWaiters.shift()?.(message.stats);
    if (message.tick !== undefined) {
      ticks.get(message.tick)?.(message.walBytes ?? 0);
      ticks.delete(message.tick);
    }
  });
  worker.on('error', (error) => onError(String(error)));
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let closing: Promise<void> | undefined;
  return {
    stats() {
      return new Promise<CheckpointStats>((resolve) => {
        statsWaiters.push(resolve);
        worker.postMessage('stats');
      });
    },
    tick() {
      const id = nextTick++;
      return new Promise<number>((resolve, reject) => {
        ticks.set(id, resolve);
        void exited.then(() => reject(new Error('the checkpointer has stopped')));
        worker.postMessage({ tick: id });
      });
    },
    close() {
      closing ??= (async () => {
        worker.postMessage('stop');
        const timeout = setTimeout(() => void worker.terminate(), 5_000);
        await exited;
        clearTimeout(timeout);
      })();
      return closing;
    },
  };
}
