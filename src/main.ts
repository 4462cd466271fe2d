/**
 * The process: the only file that reads process.env, opens files and starts servers.
 * Start order: config → database (migrated) → engine (demo catalog when empty, worker pool) → HTTP server.
 * Shutdown on SIGTERM/SIGINT: stop accepting connections, flush buffered decisions, drain the learner (every
 * committed feedback is folded in), close the worker pool, close the database.
 */
import { serve, type ServerType } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { startCheckpointer } from '../db/checkpointer.js';
import { openDb } from '../db/open.js';
import { ConfigError, loadConfig } from './config.js';
import { createEngine } from './engine.js';
import { createApp } from './http/app.js';

/**
 * PASSIVE WAL checkpoints run in a background thread this often (automatic checkpoints would stall the event loop);
 * the thread restarts the WAL as soon as it passes KAIROS_WAL_LIMIT (db/checkpointer.ts).
 */
const CHECKPOINT_INTERVAL_MS = 250;

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function main(): void {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`kairos: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, base: { service: 'kairos', version: VERSION } });
  const db = openDb(config.dbFile, { synchronous: config.synchronous, autoCheckpoint: false, journalSizeLimitBytes: config.walLimitBytes });
  const checkpointer = startCheckpointer(
    config.dbFile,
    { intervalMs: CHECKPOINT_INTERVAL_MS, walLimitBytes: config.walLimitBytes },
    (message) => logger.error({ err: message }, 'WAL checkpoint failed'),
  );
  const engine = createEngine(db, config, {
    logger,
    updater: 'pool',
    beforeCommit:
      config.faultInjection === 'crash-before-commit'
        ? () => {
            logger.warn('fault injection: crashing between computing and committing a learner batch');
            process.kill(process.pid, 'SIGKILL');
          }
        : undefined,
  });
  const app = createApp({ services: engine.services, logger, bodyLimitBytes: config.bodyLimitBytes, version: VERSION });
  engine.start();

  const server: ServerType = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info(
      {
        url: `http://${config.host}:${info.port}`,
        db: config.dbFile,
        actions: engine.state.actions().length,
        dimension: engine.state.encoder().dimension,
        workers: config.workers,
      },
      'kairos listening',
    );
  });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining the learner');
    const forced = setTimeout(() => {
      logger.error('shutdown took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000);
    forced.unref();
    server.close();
    engine
      .close()
      .then(() => checkpointer.close())
      .then(() => {
        db.close();
        logger.info({ appliedSeq: engine.learner.appliedSeq() }, 'shut down cleanly');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main();
