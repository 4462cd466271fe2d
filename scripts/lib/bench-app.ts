/**
 * The in-process service the aggregate benchmarks (bench:stats, bench:lift, bench:dashboard) time through
 * app.request(): a fresh SQLite file in a temp directory, the learner off, one worker, silent logs. `appOn()` builds
 * the engine and app on it — after the benchmark has written its rows, when it wants the caches loaded from them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openDb, type Db } from '../../db/open.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createEngine, type Engine } from '../../src/engine.js';
import { createApp } from '../../src/http/app.js';

export interface BenchDb {
  dir: string;
  config: Config;
  db: Db;
  appOn(): { engine: Engine; app: ReturnType<typeof createApp> };
  /** Closes the database and removes the directory (close the engines first). */
  cleanup(): void;
}

export function openBenchDb(name: string, env: Record<string, string> = {}): BenchDb {
  const dir = mkdtempSync(join(tmpdir(), `kairos-bench-${name}-`));
  const config = loadConfig({ KAIROS_DATA_DIR: dir, LOG_LEVEL: 'silent', KAIROS_LEARNER: 'off', KAIROS_WORKERS: '1', ...env }, dir);
  const db = openDb(config.dbFile);
  const logger = pino({ level: 'silent' });
  return {
    dir,
    config,
    db,
    appOn() {
      const engine = createEngine(db, config, { logger, updater: 'inline', seed: 1 });
      return { engine, app: createApp({ services: engine.services, logger, bodyLimitBytes: config.bodyLimitBytes, version: 'bench' }) };
    },
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An integer option in [min, max], or an Error naming it. */
export function intOption(name: string, raw: string, min: number, max = Number.POSITIVE_INFINITY): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`--${name} must be an integer ${max === Number.POSITIVE_INFINITY ? `≥ ${min}` : `${min}–${max}`}, got '${raw}'`);
  }
  return n;
}

/** The q-quantile of sorted samples, and ms rounded to 0.01 for the tables. */
export const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
export const ms = (x: number): number => Math.round(x * 100) / 100;
