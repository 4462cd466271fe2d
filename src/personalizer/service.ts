/**
 * The Personalizer loop as one service (DESIGN.md §11): rank, rewards and activations, the service and policy
 * configuration, the model file and the logs. Storage is the port in store.ts; the answer path reads only the
 * in-memory loop state and writes one transaction per rank.
 */
import { createPrior } from '../core/prior.js';
import type { Rng } from '../core/types.js';
import {
  DEFAULT_POLICY,
  loadServiceConfiguration,
  parsePolicy,
  parseServiceConfiguration,
  type EffectiveConfiguration,
} from './configuration.js';
import { PERSONALIZER_PRIOR } from './core/prior.js';
import { createLoopLearner, type LoopLearner } from './learner.js';
import type { MetricsHooks } from '../metrics/types.js';
import { createLoopState, type LoopState } from './loop-state.js';
import { exportModel, importModel } from './model-file.js';
import { createGroupCommit } from '../domain/group-commit.js';
import { uuidv7Hex } from '../domain/ids.js';
import { createRankLog, writeRefusal } from './rank-log.js';
import { multiSlotRank, rank } from './ranking.js';
import { activate, multiSlotActivate, multiSlotReward, reward } from './rewards.js';
import type { PersonalizerStore, RewardWrite } from './store.js';
import {
  PERSONALIZER_DIMENSION,
  PersonalizerError,
  type ApprenticeReport,
  type PersonalizerService,
  type PolicyConfiguration,
} from './types.js';

export interface PersonalizerDeps {
  store: PersonalizerStore;
  rng: Rng;
  now: () => number;
  learner: { intervalMs: number; minGapMs: number; batchLimit: number };
  /** Ranks waiting for their group commit at most; beyond it a rank answers 503. */
  maxPendingWrites: number;
  /** Group commit window (KAIROS_DECISION_FLUSH): 0 = one batch per event-loop turn. */
  flushMs?: number;
  /** Actions no rank has named for this long are retired with their models (KAIROS_PERSONALIZER_ACTION_TTL); null: never. */
  actionTtlMs: number | null;
  onRetired?: (ids: string[]) => void;
  onError: (error: unknown) => void;
  metrics?: Pick<MetricsHooks, 'personalizerRanked' | 'personalizerRewards' | 'personalizerLearned'>;
}

export interface PersonalizerLoop {
  service: PersonalizerService;
  learner: LoopLearner;
  state: LoopState;
  /** Writes buffered ranks now; refuses later ones (503). */
  close(): void;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function createPersonalizerLoop(deps: PersonalizerDeps): PersonalizerLoop {
  const { store, now } = deps;
  const prior = () => createPrior(PERSONALIZER_PRIOR, PERSONALIZER_DIMENSION);
  const settings = store.settings(now());
  let config: EffectiveConfiguration = loadServiceConfiguration(settings.service);
  let policy: PolicyConfiguration = settings.policy === null ? { ...DEFAULT_POLICY } : (JSON.parse(settings.policy) as PolicyConfiguration);
  const state = createLoopState(store.actions(), prior);
  const learner = createLoopLearner({
    store,
    state,
    prior,
    now,
    ...deps.learner,
    retentionDays: () => config.config.logRetentionDays,
    actionTtlMs: deps.actionTtlMs,
    onRetired: deps.onRetired,
    onError: deps.onError,
    onCycle: (info) => deps.metrics?.personalizerLearned(info.given, info.learned - info.given),
  });
  const log = createRankLog({
    store,
    maxPending: deps.maxPendingWrites,
    flushMs: deps.flushMs,
    onFailed: (writes, error) => {
      for (const w of writes) for (const a of w.newActions) state.remove(a.id);
      deps.onError(error);
    },
  });
  const rankingDeps = {
    state,
    log,
    rng: deps.rng,
    now,
    config: () => config,
    // Time-ordered (UUIDv7, 32 hex digits as Personalizer's were): each new event lands at the right edge of the
    // event indexes instead of at a random page.
    newEventId: () => uuidv7Hex(now()),
    ranked: deps.metrics ? deps.metrics.personalizerRanked : undefined,
  };
  const rewards = createGroupCommit<RewardWrite>({
    maxPending: deps.maxPendingWrites,
    flushMs: deps.flushMs ?? 0,
    writeBatch: (items) => {
      store.addRewards(items);
      return new Map();
    },
    refusal: writeRefusal,
  });
  const rewardDeps = { store, rewards, flush: log.flush, now, ready: (eventId: string, slot: number) => learner.ready(eventId, slot),
    counted: deps.metrics ? deps.metrics.personalizerRewards : undefined,
  };

  const apprenticeReport = (): ApprenticeReport => {
    const t = store.apprenticeTotals();
    const mean = (sum: number) => (t.events > 0 ? sum / t.events : null);
    return { events: t.events, agreement: mean(t.agreements), baselineAverageReward: mean(t.rewardSum), modelIpsEstimate: mean(t.ipsSum) };
  };

  const service: PersonalizerService = {
    rank: (request) => rank(rankingDeps, request),
    multiSlotRank: (request) => multiSlotRank(rankingDeps, request),
    reward: (eventId, value) => reward(rewardDeps, eventId, value),
    multiSlotReward: (eventId, rewards) => multiSlotReward(rewardDeps, eventId, rewards),
    activate: (eventId) => activate(rewardDeps, eventId),
    multiSlotActivate: (eventId) => multiSlotActivate(rewardDeps, eventId),
    serviceConfiguration() {
      const report = apprenticeReport();
      return config.config.learningMode === 'Apprentice' || report.events > 0 ? { ...config.config, apprentice: report } : { ...config.config };
    },
    updateServiceConfiguration(body) {
      const next = parseServiceConfiguration(body, config.config, iso(now()));
      store.saveService(JSON.stringify(next.config));
      config = next;
      return { ...next.config };
    },
    policy: () => ({ ...policy }),
    updatePolicy(body) {
      const next = parsePolicy(body);
      store.savePolicy(JSON.stringify(next));
      policy = next;
      return { ...policy };
    },
    resetPolicy() {
      store.savePolicy(null);
      policy = { ...DEFAULT_POLICY };
      return { ...policy };
    },
    exportModel() {
      const s = store.settings(now());
      return exportModel({ createdAt: s.modelCreatedAt, modifiedAt: s.modelModifiedAt }, state.all());
    },
    importModel(file) {
      const actions = importModel(file);
      // A rank still waiting for its commit would write its new action's starting model over the imported one.
      log.flush();
      const at = now();
      store.replaceModels(actions, at);
      state.replace(actions.map((a) => ({ ...a, createdAt: state.get(a.id)?.createdAt ?? at, lastSeenAt: state.get(a.id)?.lastSeenAt ?? at })), prior);
    },
    resetModel() {
      log.flush();
      store.resetModels(now());
      state.resetAll(prior);
    },
    modelProperties() {
      const s = store.settings(now());
      return { creationTime: iso(s.modelCreatedAt), lastModifiedTime: iso(s.modelModifiedAt) };
    },
    deleteLogs() {
      // The stored history goes; events still waiting for their reward stay until they close (a reward for a rank
      // answered a moment ago must not become a 404).
      log.flush();
      rewards.flush();
      store.deleteClosed();
    },
    logProperties() {
      log.flush();
      const range = store.logRange();
      if (!range) throw new PersonalizerError('LogsPropertiesNotFound', 'no rank has been logged (or the logs were deleted)');
      return { dateRange: { from: iso(range.from), to: iso(range.to) } };
    },
  };
  return {
    service,
    learner,
    state,
    close: () => {
      log.close();
      rewards.close();
    },
  };
}
