/**
 * A fresh engine on a fresh SQLite file in a temp dir, with the HTTP app in front of it — one per test, so tests
 * never share state. Use `app.request()` for route tests; `learner.runOnce()` applies pending feedback now.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { openDb, type Db } from '../../db/open.js';
import { loadConfig, type Config } from '../../src/config.js';
import { ROLES, type Role } from '../../src/access/keys.js';
import type { EngineState } from '../../src/domain/engine-state.js';
import type { Services } from '../../src/domain/types.js';
import { createEngine, type Engine } from '../../src/engine.js';
import { createApp } from '../../src/http/app.js';
import type { Learner } from '../../src/learner/learner.js';

export interface TestHarness {
  app: ReturnType<typeof createApp>;
  services: Services;
  db: Db;
  dir: string;
  state: EngineState;
  learner: Learner;
  engine: Engine;
  config: Readonly<Config>;
  logger: Logger;
  /** One active key per role when created with `apiKeys: true` (keys are then enforced); else undefined. */
  apiKeys: Record<Role, string> | undefined;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Seed the demo catalog (default false: an empty catalog). */
  demo?: boolean;
  /**
   * Extra environment variables for loadConfig. KAIROS_CONTROL_SHARE defaults to 0 here (not 0.02): route tests assert
   * the policy's choices, and a test of the control group sets the share itself.
   */
  env?: Record<string, string>;
  /** Where updates run (default inline: same maths, no worker start-up per test). */
  updater?: 'pool' | 'inline';
  /** Root seed for decisions (default 1). */
  seed?: number;
  logger?: Logger;
  now?: () => number;
  /** Create one API key per role (app, analyst, ops), which turns key checks on; default false (open, loopback). */
  apiKeys?: boolean;
}

export function tempDir(prefix = 'kairos-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function createTestHarness(options: HarnessOptions = {}): Promise<TestHarness> {
  const dir = tempDir();
  const config = loadConfig(
    { KAIROS_DATA_DIR: dir, KAIROS_DEMO: options.demo ? 'true' : 'false', LOG_LEVEL: 'silent', KAIROS_WORKERS: '1', KAIROS_CONTROL_SHARE: '0', ...options.env },
    dir,
  );
  const logger = options.logger ?? pino({ level: 'silent' });
  const db = openDb(config.dbFile, { synchronous: config.synchronous });
  const engine = createEngine(db, config, {
    logger,
    updater: options.updater ?? 'inline',
    seed: options.seed ?? 1,
    learnerMinGapMs: 0,
    ...(options.now ? { now: options.now } : {}),
  });
  const app = createApp({ services: engine.services, logger, bodyLimitBytes: config.bodyLimitBytes, batchBodyLimitBytes: config.batchBodyLimitBytes, version: 'test', metrics: engine.metrics });
  const apiKeys = options.apiKeys
    ? (Object.fromEntries(ROLES.map((role) => [role, engine.services.keys.create(`test-${role}`, role).key])) as Record<Role, string>)
    : undefined;
  let closed = false;
  return {
    app,
    services: engine.services,
    db,
    dir,
    state: engine.state,
    learner: engine.learner,
    engine,
    config,
    logger,
    apiKeys,
    async close() {
      if (closed) return;
      closed = true;
      await engine.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
