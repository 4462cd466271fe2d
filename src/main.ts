/**
 * The process: the only file that reads process.env, opens files and starts servers.
 * Start order: config → database (migrated) → access rules (bootstrap key; refuse with 78 when a non-loopback HOST
 * has no key) → engine (demo catalog when empty, worker pool) → HTTP server.
 * Shutdown on SIGTERM/SIGINT: stop accepting connections, flush buffered decisions, drain the learner (every
 * committed feedback is folded in), close the worker pool, close the database.
 */
import { serve, type ServerType } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { startCheckpointer } from '../db/checkpointer.js';
import { openDb } from '../db/open.js';
import { createSqliteKeyStore } from '../db/stores/api-keys.js';
import { createKeyService } from './access/key-service.js';
import { prepareAccess } from './access/startup.js';
import { ConfigError, loadConfig } from './config.js';
import { createEngine } from './engine.js';
import { createApp } from './http/app.js';

/**
 * PASSIVE WAL checkpoints run in a background thread this often (automatic checkpoints would stall the event loop);
 * the thread restarts the WAL as soon as it passes KAIROS_WAL_LIMIT (db/checkpointer.ts).
 */
const CHECKPOINT_INTERVAL_MS = 250;

/**
 * Node's own HTTP timeouts, for what happens before the app sees a request. A client gets 10 s to send its headers
 * and 30 s for the whole request (Node answers 408), so slow or stalled senders cannot hold sockets for Node's
 * default 5 minutes. Idle keep-alive connections stay 65 s: longer than the 60 s idle timeout of common load
 * balancers, so the balancer, not us, closes first (else it may send on a socket we are closing: a 502). There is no
 * `maxRequestsPerSocket`: forcing reconnects hurts under load, where Node accepts one new connection per event-loop
 * turn (libuv ≥ 1.45).
 */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_RECEIVE_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

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
  const logger = pino({
    level: config.logLevel,
    base: { service: 'kairos', version: VERSION },
    // Nothing logs request headers or the config today; if something ever does, API keys still stay out.
    redact: { paths: ['headers.authorization', 'headers["ocp-apim-subscription-key"]', '*.bootstrapOpsKey'], censor: '[redacted]' },
  });
  const db = openDb(config.dbFile, { synchronous: config.synchronous, autoCheckpoint: false, journalSizeLimitBytes: config.walLimitBytes });
  const keyStore = createSqliteKeyStore(db);
  const access = prepareAccess({
    keys: createKeyService({ store: keyStore, now: Date.now }),
    store: keyStore,
    mode: config.auth,
    host: config.host,
    bootstrapOpsKey: config.bootstrapOpsKey,
  });
  if (!access.ok) {
    process.stderr.write(`kairos: ${access.message}\n`);
    logger.fatal(access.message);
    db.close();
    process.exit(78); // EX_CONFIG
  }
  for (const notice of access.notices) logger[notice.level]({ ...notice.fields }, notice.message);
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
  const app = createApp({
    services: engine.services,
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    version: VERSION,
    maxInflight: config.maxInflight,
    requestTimeoutMs: config.requestTimeoutMs,
    batchBodyLimitBytes: config.batchBodyLimitBytes,
    batchTimeoutMs: config.batchTimeoutMs,
    metrics: engine.metrics,
  });
  engine.start();

  const serverOptions = {
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_RECEIVE_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
  };
  const server: ServerType = serve({ fetch: app.fetch, port: config.port, hostname: config.host, serverOptions }, (info) => {
    logger.info(
      {
        url: `http://${config.host}:${info.port}`,
        db: config.dbFile,
        actions: engine.state.actions().length,
        dimension: engine.state.encoder().dimension,
        workers: config.workers,
        maxInflight: config.maxInflight,
        requestTimeoutMs: config.requestTimeoutMs,
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
