/**
 * Assembles the engine from a config and an open database: the in-memory state, the services the HTTP layer calls,
 * and the background parts (decision-log group commit, learner, expirer, retention, reload watcher). No HTTP and no
 * process handling here — `src/main.ts` adds those; tests build engines directly on temp databases.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/open.js';
import { createSqliteKeyStore } from '../db/stores/api-keys.js';
import { createAccessService } from './access/access-service.js';
import { createKeyRing, type KeyRing } from './access/key-ring.js';
import { createKeyService } from './access/key-service.js';
import { isLoopbackHost } from './access/startup.js';
import { insertDecisionsIsolated, isLockError } from '../db/stores/decisions.js';
import { createSqliteCustomerStore } from '../db/stores/customers.js';
import { createSqliteDecisionLifecycleStore } from '../db/stores/decision-lifecycle.js';
import { createSqliteRetentionStore } from '../db/stores/retention.js';
import { createSqliteQualityStore } from '../db/stores/prediction-bins.js';
import { createSqliteChannelStore } from '../db/stores/channels.js';
import { createSqliteContactPolicyStore } from '../db/stores/contact-policy.js';
import { createPolicyService } from './policies/policy-service.js';
import type { Config } from './config.js';
import { encodeContext, historySlotsOf } from './core/encoding.js';
import { createRng } from './core/rng.js';
import { BATCH_CHUNK, createBatchService } from './decisions/batch.js';
import { createDecisionLifecycleService } from './decisions/lifecycle-service.js';
import { createCatalogService } from './domain/catalog-service.js';
import { createCustomerService, type CustomerHistory } from './customers/customer-service.js';
import { createDecisionLog, type DecisionLog } from './domain/decision-log.js';
import { checkDecisionTarget, createDecisionService } from './domain/decision-service.js';
import { createSqliteBudgetStore, createSqliteContactStore } from '../db/stores/contacts.js';
import { activeSuppressions, historyLookback, suppressionLookback } from './policies/contact-rules.js';
import { seedDemoCatalog } from './domain/demo-catalog.js';
import { createEngineState, type EngineState } from './domain/engine-state.js';
import { createFeedbackService } from './domain/feedback-service.js';
import { createKeyCounter } from './domain/key-counter.js';
import { createReloadWatcher, type ReloadWatcher } from './domain/reload-watcher.js';
import { createStatsService } from './domain/stats-service.js';
import { createDashboardService } from './dashboard/dashboard-service.js';
import { createSqliteDashboardStore } from '../db/stores/dashboard.js';
import { createSqliteEvaluationStore } from '../db/stores/evaluations.js';
import { createWorkerRunner } from './evaluation/runner.js';
import { createEvaluationService } from './evaluation/service.js';
import { serviceSetup } from './evaluation/setup.js';
import { uuidv7 } from './domain/ids.js';
import type { Services } from './domain/types.js';
import { createExpirer, type Expirer } from './learner/expirer.js';
import { learningPolicyFromConfig } from './learner/fold.js';
import { createLearner, type Learner } from './learner/learner.js';
import { createInlineUpdater, createPoolUpdater, type Updater } from './learner/updater.js';
import { createPruner, type Pruner } from './retention/pruner.js';
import { customerInControl } from './measurement/control-group.js';
import { createLiftService } from './measurement/lift-service.js';
import { createSqliteLiftStore } from '../db/stores/lift.js';
import { createSqliteMetricsReads } from '../db/stores/metrics.js';
import { createMetrics, type Metrics } from './metrics/registry.js';
import { createSqlitePersonalizerStore } from '../db/stores/personalizer.js';
import { createPersonalizerLoop, type PersonalizerLoop } from './personalizer/service.js';

export type EngineConfig = Pick<
  Config,
  | 'feedbackWindowMs'
  | 'defaultLikelihood'
  | 'priorRate'
  | 'minPriority'
  | 'probabilityDraws'
  | 'drawCorrelation'
  | 'controlShare'
  | 'learnerIntervalMs'
  | 'learnerBatchLimit'
  | 'learnerEnabled'
  | 'workers'
  | 'forgettingHalfLife'
  | 'changeDetection'
  | 'reloadIntervalMs'
  | 'expireIntervalMs'
  | 'decisionFlushMs'
  | 'maxPendingWrites'
  | 'retentionMs'
  | 'personalizerActionTtlMs'
  | 'retentionIntervalMs'
  | 'seedDemo'
  | 'auth'
  | 'host'
  | 'maxDimension'
>;

/**
 * Feedback wakes the learner at most this often: at 500 outcomes/s a cycle per arrival ran the learner without pause
 * and cost the decisions their p99 (bench:soak at 1,000 req/s: 10–14 ms with cycles back to back, see README).
 */
export const LEARNER_MIN_GAP_MS = 100;

/** Mixed into the root seed for the control group's draws, so they are not the decisions' seed sequence. */
const CONTROL_SEED_MIX = 0x6a09e667;
/** Mixed into the root seed for the Personalizer loop's draws. */
const PERSONALIZER_SEED_MIX = 0xbb67ae85;
/** Slots the Personalizer loop's learner folds per cycle at most. */
const PERSONALIZER_BATCH = 2_000;

/** The customer view lists this many of the latest contacts. */
const CONTACTS_IN_VIEW = 100;

/**
 * PLACEHOLDER (issue #10 merge): an event's `decide` is not checked before the event is recorded yet. The channel
 * part replaces this with the decision path's own pre-check (undeclared channel → 422, unknown candidate, …).
 */

export interface EngineOptions {
  logger: Logger;
  /** 'pool' (worker threads, the service default) or 'inline' (same maths on this thread). */
  updater?: 'pool' | 'inline';
  now?: () => number;
  /** Seed of the root RNG that draws each decision's seed; random when absent. */
  seed?: number;
  /** Override of LEARNER_MIN_GAP_MS (tests use 0: a wake folds at once). */
  learnerMinGapMs?: number;
  beforeCommit?: (appliedSeq: number) => void;
  /** Called after each learner commit, once the new posteriors are in use (benchmarks measure freshness with it). */
  onCommitted?: (info: { appliedSeq: number; rows: number; actions: number; skipped: number }) => void;
}

export interface Engine {
  db: Db;
  state: EngineState;
  services: Services;
  learner: Learner;
  expirer: Expirer;
  reloadWatcher: ReloadWatcher;
  decisionLog: DecisionLog;
  /** The retention job; undefined when KAIROS_RETENTION=off. */
  pruner: Pruner | undefined;
  updater: Updater;
  /** The active API keys in memory; `refresh()` picks up keys added or revoked by another process. */
  keyRing: KeyRing;
  /** This engine's Prometheus metrics (give them to createApp for GET /metrics and the request counts). */
  metrics: Metrics;
  /** The Azure Personalizer compatible loop (its service is `services.personalizer`). */
  personalizer: PersonalizerLoop;
  /** Starts the background timers (learner poll, expirer, retention, reload watcher). */
  start(): void;
  /** Stops the timers, flushes decisions, drains the learner and closes the pool. Leaves the db open. */
  close(): Promise<void>;
}

export function createEngine(db: Db, config: EngineConfig, options: EngineOptions): Engine {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const policy = learningPolicyFromConfig(config);
  const state = createEngineState(db, policy, (actionId) =>
    logger.warn({ actionId }, 'a stored model is not finite (written before updates were guarded): it restarts from its prior'),
  );
  const logError = (what: string) => (error: unknown) => logger.error({ err: error }, what);
  const metrics = createMetrics({
    reads: createSqliteMetricsReads(db),
    models: () => state.actions().map(({ id }) => {
      const entry = state.model(id);
      return { actionId: id, version: entry.version, observations: entry.posterior.observations };
    }),
  });

  const updater =
    options.updater === 'inline' ? createInlineUpdater(policy) : createPoolUpdater(policy, config.workers);
  let refusedLogged = 0;
  const decisionLog = createDecisionLog({
    writer: { writeBatch: (records) => insertDecisionsIsolated(db, records), isTransient: isLockError },
    flushMs: config.decisionFlushMs,
    maxPending: config.maxPendingWrites,
    onError: (error, { decisionIds }) => logger.error({ err: error, decisionIds }, 'decision write failed'),
  });
  // Prequential prediction bins and reward moments (src/quality): written by the learner, read by the stats.
  const quality = createSqliteQualityStore(db);
  const learner = createLearner({
    db,
    state,
    updater,
    quality,
    batchLimit: config.learnerBatchLimit,
    intervalMs: config.learnerIntervalMs,
    minGapMs: options.learnerMinGapMs ?? LEARNER_MIN_GAP_MS,
    now,
    onError: logError('learner cycle failed'),
    beforeCommit: options.beforeCommit,
    onRestart: (info) => {
      logger.warn({ ...info }, 'behaviour change detected: every model restarts from the prior (KAIROS_CHANGE_DETECTION)');
    },
    onCommitted: (info) => {
      metrics.learnerCycle(info.durationMs / 1000, info.rows);
      logger.debug({ ...info }, 'learner committed');
      const refused = updater.refused();
      if (refused > refusedLogged) {
        logger.warn(
          { refused: refused - refusedLogged, refusedTotal: refused, appliedSeq: info.appliedSeq },
          'outcomes refused by the learner: they would have made a model non-finite or were outside the limits; the models kept their last finite state',
        );
        refusedLogged = refused;
      }
      options.onCommitted?.(info);
    },
  });
  const expirer = createExpirer({
    db,
    feedbackWindowMs: config.feedbackWindowMs,
    intervalMs: config.expireIntervalMs,
    now,
    onExpired: (count) => {
      logger.info({ count }, 'decisions expired as ignores');
      if (config.learnerEnabled) learner.wake();
    },
    onError: logError('expirer failed'),
  });
  const reloadWatcher = createReloadWatcher({
    db,
    state,
    intervalMs: config.reloadIntervalMs,
    onReload: () => {
      logger.info({ schemaVersion: state.schema().version, actions: state.actions().length }, 'reloaded models changed by another process');
      if (config.learnerEnabled) learner.wake();
    },
    onError: logError('reload failed'),
  });
  const pruner =
    config.retentionMs === null
      ? undefined
      : createPruner({
          store: createSqliteRetentionStore(db),
          retentionMs: config.retentionMs,
          intervalMs: config.retentionIntervalMs,
          now,
          onPruned: (count) => logger.info({ count, retentionMs: config.retentionMs }, 'pruned decisions past retention'),
          onPrunedEvents: (count) => logger.info({ count }, 'pruned expired customer events'),
          contactsNeededMs: () =>
            Math.max(historyLookback(state.policies.contactPolicy(), state.policies.channels()), historySlotsOf(state.encoder())?.windowMs ?? 0),
          onError: logError('retention failed'),
        });

  const keyStore = createSqliteKeyStore(db);
  const customerStore = createSqliteCustomerStore(db);
  const contactStore = createSqliteContactStore(db);
  const budgetStore = createSqliteBudgetStore(db);
  /** A customer's contact history and active suppressions, as GET /v1/customers/{id} shows them. */
  const customerHistory = (customerId: string, at: number): CustomerHistory => {
    const policy = state.policies.contactPolicy();
    const lookback = suppressionLookback(policy);
    const rows = lookback > 0 ? contactStore.history(customerId, { channel: null, offeredSince: Number.POSITIVE_INFINITY, outcomeSince: at - lookback }) : [];
    return { contacts: customerStore.contacts(customerId, CONTACTS_IN_VIEW), suppressions: activeSuppressions(policy.suppression, rows, at) };
  };
  const keyRing = createKeyRing({ store: keyStore, onError: logError('API key refresh failed') });

  const rootSeed = options.seed ?? randomBytes(4).readUInt32LE(0);
  const unknownKeys = createKeyCounter();
  const catalog = createCatalogService({ db, state, defaultLikelihood: config.defaultLikelihood, maxDimension: config.maxDimension, now });
  if (state.encoder().dimension > config.maxDimension) {
    logger.warn(
      { dimension: state.encoder().dimension, maxDimension: config.maxDimension },
      'the stored feature schema is over KAIROS_MAX_DIMENSION (written before the limit): PUT a smaller schema',
    );
  }
  const dashboard = createDashboardService({ store: createSqliteDashboardStore(db), now });
  // The service's own settings: the logged policy's, the base every evaluated candidate overrides.
  const evaluationBaseline = { ...policy, minPriority: config.minPriority, drawCorrelation: config.drawCorrelation };
  const personalizer = createPersonalizerLoop({
    store: createSqlitePersonalizerStore(db),
    rng: createRng((rootSeed ^ PERSONALIZER_SEED_MIX) >>> 0),
    now,
    learner: { intervalMs: config.learnerIntervalMs, minGapMs: options.learnerMinGapMs ?? LEARNER_MIN_GAP_MS, batchLimit: PERSONALIZER_BATCH },
    maxPendingWrites: config.maxPendingWrites,
    flushMs: config.decisionFlushMs,
    actionTtlMs: config.personalizerActionTtlMs,
    onRetired: (ids) => logger.info({ count: ids.length }, 'personalizer actions retired: no rank named them within KAIROS_PERSONALIZER_ACTION_TTL'),
    onError: logError('personalizer learner cycle failed'),
    metrics,
  });
  const services: Services = {
    catalog,
    decisions: createDecisionService({
      state,
      log: decisionLog,
      reads: {
        profile: (customerId, at) => customerStore.profile(customerId, at),
        contactHistory: (customerId, query) => contactStore.history(customerId, query),
        offeredOn: (actionIds, day) => budgetStore.used(actionIds, day),
      },
      rng: createRng(rootSeed),
      minPriority: config.minPriority,
      probabilityDraws: config.probabilityDraws,
      drawCorrelation: config.drawCorrelation,
      now,
      unknownKeys,
      // Anonymous decisions' membership draws come from a generator of their own (seeded from the root seed).
      control: { share: config.controlShare, rng: createRng((rootSeed ^ CONTROL_SEED_MIX) >>> 0) },
      metrics,
    }),
    feedback: createFeedbackService({ db, log: decisionLog, now, onRecorded: () => (config.learnerEnabled ? learner.wake() : undefined) }),
    stats: createStatsService({ db, state, quality, unknownKeys, refusedOutcomes: () => updater.refused(), learnerLag: () => dashboard.learner() }),
    health: {
      readiness() {
        let database = false;
        try {
          database = db.sqlite.prepare('SELECT 1 AS ok').get() !== undefined;
        } catch {
          database = false;
        }
        const workers = updater.ready();
        return { ready: database && workers, checks: { database, workers } };
      },
    },
    // This process's own key changes reload the ring at once; other processes' within KEY_REFRESH_INTERVAL_MS.
    keys: createKeyService({ store: keyStore, now, onChange: () => keyRing.reload() }),
    access: createAccessService({ ring: keyRing, mode: config.auth, loopback: isLoopbackHost(config.host) }),
    customers: createCustomerService({
      store: customerStore,
      now,
      features: () => state.encoder().features,
      decide: (request) => services.decisions.decide(request),
      checkDecide: (request) => checkDecisionTarget(state, request),
      // Decisions still waiting for their group commit are written first, so the view shows every answered contact.
      history: (customerId, at) => {
        decisionLog.flush();
        return customerHistory(customerId, at);
      },
      attributeProblems: (attributes) => {
        const encoder = state.encoder();
        return encodeContext(encoder, attributes, '', new Float64Array(encoder.dimension)).problems.map((p) => ({
          field: p.field.replace(/^context\./, 'attributes.'),
          message: p.message,
        }));
      },
      // A decision still buffered for its group commit would otherwise be written with the id after the erasure.
      beforeErase: () => decisionLog.flush(),
      controlGroup: (customerId, at) => customerInControl(customerId, at, config.controlShare),
    }),
    policies: createPolicyService({ channels: createSqliteChannelStore(db), contactPolicy: createSqliteContactPolicyStore(db), state, now }),
    lifecycle: createDecisionLifecycleService({ store: createSqliteDecisionLifecycleStore(db), log: decisionLog, now }),
    // A chunk never takes more than half the write buffer, so a batch leaves room for the live traffic.
    dashboard,
    evaluations: createEvaluationService({
      store: createSqliteEvaluationStore(db),
      runner: createWorkerRunner(db.file),
      setup: () => serviceSetup(state, evaluationBaseline, { intervalMs: config.learnerIntervalMs, batchRows: config.learnerBatchLimit }),
      baseline: evaluationBaseline,
      now,
      newId: () => uuidv7(now()),
    }),
    batch: createBatchService({ decisions: { decide: (request) => services.decisions.decide(request) }, chunkSize: Math.min(BATCH_CHUNK, Math.max(1, Math.floor(config.maxPendingWrites / 2))) }),
    lift: createLiftService({ store: createSqliteLiftStore(db), now, controlShare: config.controlShare }),
    personalizer: personalizer.service,
  };
  if (config.seedDemo && seedDemoCatalog(catalog, services.policies)) {
    logger.info(
      { actions: state.actions().length, dimension: state.encoder().dimension, channels: state.policies.channels().length, rules: state.actions().filter((a) => a.eligibility !== null).length },
      'seeded the demo bank: schema, actions with their policies, channels and the contact policy',
    );
  }

  let closed = false;
  return {
    db,
    state,
    services,
    learner,
    expirer,
    reloadWatcher,
    decisionLog,
    pruner,
    updater,
    keyRing,
    metrics,
    personalizer,
    start() {
      keyRing.start();
      if (config.learnerEnabled) learner.start();
      if (config.learnerEnabled) personalizer.learner.start();
      expirer.start();
      reloadWatcher.start();
      pruner?.start();
    },
    async close() {
      if (closed) return;
      closed = true;
      const jobs = [expirer.stop(), pruner?.stop()];
      reloadWatcher.stop();
      keyRing.stop();
      personalizer.learner.stop();
      personalizer.close();
      await Promise.all(jobs); // a run in progress ends after its current slice, before the database can close
      decisionLog.close();
      await services.evaluations.close();
      if (config.learnerEnabled) await learner.drain();
      await updater.close();
    },
  };
}
