/**
 * WAL checkpoints off the event loop, with a bounded WAL. The service's connection has automatic checkpoints turned
 * off (`openDb(file, { autoCheckpoint: false })`); this worker thread holds its own connection to the same file and:
 *  1. every interval runs `PRAGMA wal_checkpoint(PASSIVE)`, which never blocks the writer and copies what it can;
 *  2. as soon as the WAL file is over `walLimitBytes` (its size is checked every 50 ms), runs a PASSIVE pass and then
 *     `wal_checkpoint(TRUNCATE)`.
 * Why step 2: the WAL only starts over from its beginning when a writer finds it fully copied, and under continuous
 * writes a PASSIVE checkpoint never catches up (frames are appended while it copies), so the file grows without
 * bound (measured on the issue: 4.75 GB in 3 minutes at 400 decisions/s + 400 feedback/s). TRUNCATE waits (busy
 * timeout) for the writer's current transaction, holds off new writers while it copies the few frames PASSIVE left,
 * and truncates the file to zero bytes. The wait happens in this thread; the service's next commit waits at most
 * for that short copy (its own busy timeout), never for this thread's wait.
 * `journal_size_limit` on the service connection (openDb) also truncates a WAL that a writer starts over.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface CheckpointerOptions {
  /** How often the thread checkpoints. */
  intervalMs: number;
  /** WAL size past which a tick truncates the WAL (after its PASSIVE pass); Infinity = PASSIVE only. */
  walLimitBytes: number;
  /** How long a truncating checkpoint waits for the writer and readers before giving up until later (default 200). */
  truncateWaitMs?: number;
}

export interface Checkpointer {
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
// After a truncation that could not finish (a long reader), wait this many ticks before holding writers off again.
let backoff = 0;
let lastPassive = 0;
const tick = (force) => {
  try {
    const over = walBytes() > workerData.walLimitBytes;
    if (!over && !force && Date.now() - lastPassive < workerData.intervalMs) return walBytes();
    db.pragma('wal_checkpoint(PASSIVE)');
    lastPassive = Date.now();
    if (walBytes() > workerData.walLimitBytes) {
      if (backoff > 0) {
        backoff -= 1;
      } else {
        db.pragma('busy_timeout = ' + workerData.truncateWaitMs);
        try {
          const [result] = db.pragma('wal_checkpoint(TRUNCATE)');
          if (result && result.busy) backoff = 8;
        } finally {
          db.pragma('busy_timeout = ' + BUSY_MS);
        }
      }
    }
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
  return walBytes();
};
// The size is checked often (a stat is cheap), so the WAL overshoots the limit by little more than what is written
// while a truncation runs; the PASSIVE pass runs every intervalMs, or at once when the WAL is over the limit.
const timer = setInterval(() => tick(false), Math.min(workerData.intervalMs, workerData.checkMs));
parentPort.on('message', (message) => {
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
    workerData: { file, intervalMs: options.intervalMs, checkMs: SIZE_CHECK_MS, walLimitBytes, truncateWaitMs: options.truncateWaitMs ?? 200, driver },
  });
  const ticks = new Map<number, (walBytes: number) => void>();
  let nextTick = 0;
  worker.on('message', (message: { error?: string; tick?: number; walBytes?: number }) => {
    if (message.error) onError(message.error);
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
