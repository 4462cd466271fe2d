/**
 * The online learner: reads feedback past the applied cursor in order, groups it by action, folds each action's
 * batch into its posterior on the updater (worker threads; actions in parallel, each action's rows in order), then
 * commits every new posterior together with the new cursor in ONE transaction and swaps them into the cache.
 *
 * Exactly once: a crash before the commit leaves the old posteriors and the old cursor, so the restarted learner
 * re-reads the same rows and folds them into the same posteriors — the update is deterministic — reaching the same
 * state as an uninterrupted run. A crash after the commit re-reads nothing twice.
 *
 * A model changed under our feet (an ops script reset or warm-started it) makes the optimistic write fail; the
 * transaction rolls back, the cache is reloaded and the batch is recomputed from the new state.
 *
 * Model quality (src/quality): each logistic outcome is scored with the propensity its action's model predicted when it
 * decided (decision_actions.propensity) — the model had not learned it then (prequential) — and counted into the
 * action's prediction bins in the commit transaction. Scoring at decision time, not at learning time, matters: clients
 * report responses within minutes, but ignores arrive at the feedback window's timeout, when the model has learned
 * more; scored at learning time the two would be judged by different models and the AUC biased. An outcome whose
 * decision row has no usable propensity is scored with the model at the start of the cycle. The counts commit so a rolled-back attempt counts nothing and the
 * retry, which rescored its rows against the reloaded models, counts each outcome once; a crash before the commit
 * counts nothing, and the restarted learner scores the same rows again.
 */
import type { Db } from '../../db/open.js';
import { transaction } from '../../db/open.js';
import { readFeedbackAfter } from '../../db/stores/feedback.js';
import { getAppliedSeq, setAppliedSeq } from '../../db/stores/learner-state.js';
import { saveModel } from '../../db/stores/models.js';
import { periodic } from '../periodic.js';
import type { EngineState, ModelEntry } from '../domain/engine-state.js';
import { PredictionTally } from '../quality/bins.js';
import type { QualityStore } from '../quality/quality-store.js';
import { createScoreScratch, predictiveLogit } from '../quality/score.js';
import { createChangeWatch } from './change-watch.js';
import { groupByAction, priorPosterior, targetOf, withRecentIgnores, type LabelledRow } from './fold.js';
import type { Updater } from './updater.js';

export interface LearnerDeps {
  db: Db;
  state: EngineState;
  updater: Updater;
  /** Where each cycle's prequential prediction counts go, inside its commit (src/quality). */
  quality: QualityStore;
  /** At most this many feedback rows per cycle. */
  batchLimit: number;
  /** Poll interval: picks up feedback written by other processes and by the expirer. */
  intervalMs: number;
  /**
   * A wake (new feedback) starts a cycle no sooner than this after the previous run ended (0: at once). Under a steady
   * stream of feedback a cycle per arrival would commit every touched model dozens of times a second; batching them
   * costs the freshness this gap and spares the event loop and the WAL (bench:soak: decision p99 at 1,000 req/s).
   */
  minGapMs?: number;
  now: () => number;
  onError: (error: unknown) => void;
  /** Test and fault-injection hook: runs after the posteriors are computed, before the commit. */
  beforeCommit?: (appliedSeq: number) => void;
  /** After each commit; `durationMs`: the cycle's wall time from its read to its commit (conflict retries included). */
  onCommitted?: (info: { appliedSeq: number; rows: number; actions: number; skipped: number; durationMs: number }) => void;
  /** Change detection (KAIROS_CHANGE_DETECTION) restarted every model; `alarmed` names the actions that raised it. */
  onRestart?: (info: { appliedSeq: number; alarmed: string[]; actions: number }) => void;
}

export interface Learner {
  /** Applies every pending feedback row now (in cycles of `batchLimit`); resolves to the rows applied. */
  runOnce(): Promise<number>;
  /** Starts the poll timer. */
  start(): void;
  /** Asks for a cycle soon (new feedback was committed). */
  wake(): void;
  /** Stops the timer and finishes the cycle in flight plus any feedback already committed. */
  drain(): Promise<void>;
  appliedSeq(): number;
}

const MAX_CONFLICT_RETRIES = 5;

export function createLearner(deps: LearnerDeps): Learner {
  const { db, state } = deps;
  let running: Promise<number> | undefined;
  let stopped = false;
  let applied = getAppliedSeq(db);
  const changeWatch = createChangeWatch();

  /** One batch: read, fold, commit. Returns rows consumed (0 = nothing pending). */
  const cycle = async (): Promise<number> => {
    const started = performance.now();
    for (let attempt = 0; ; attempt += 1) {
      const cursor = getAppliedSeq(db);
      const rows = readFeedbackAfter(db, cursor, deps.batchLimit);
      if (rows.length === 0) {
        applied = cursor;
        return 0;
      }
      const lastSeq = rows[rows.length - 1]!.seq;
      const schema = state.schema();
      const encoderDim = state.encoder().dimension;
      const starts = new Map<string, ModelEntry>();
      const labelled: LabelledRow[] = [];
      let tally = new PredictionTally();
      const scratch = createScoreScratch(encoderDim);
      let skipped = 0;
      for (const row of rows) {
        // Rows decided under another schema (or for an action since deleted) cannot be folded into this schema's
        // models: they are consumed without learning, and counted.
        if (row.schemaVersion !== schema.version || row.x.length !== encoderDim || !state.action(row.actionId)) {
          skipped += 1;
          continue;
        }
        let entry = starts.get(row.actionId);
        if (!entry) {
          entry = state.model(row.actionId);
          starts.set(row.actionId, entry);
        }
        const x = withRecentIgnores(state.encoder(), row.x, row.recentIgnores);
        // Scored by what the model predicted at decision time (see the header); timeout ignores (the expirer's) count
        // as negatives: they are what the model learns.
        if (entry.posterior.likelihood === 'logistic') {
          const p = row.propensity;
          const z = p !== null && p > 0 && p < 1 ? Math.log(p / (1 - p)) : predictiveLogit(entry.posterior, entry.covariance, x, scratch);
          tally.add(row.actionId, z, row.outcome === 'response');
        }
        labelled.push({ actionId: row.actionId, x, y: targetOf(entry.posterior.likelihood, row.outcome, row.reward) });
      }
      const batches = groupByAction(labelled, encoderDim);
      const watch = state.policy.changeDetection
        ? changeWatch.test(
            [...batches].map(([actionId, batch]) => {
              const { posterior, version } = starts.get(actionId)!;
              return { actionId, posterior, version, batch };
            }),
          )
        : undefined;
      const alarmed = watch?.alarmed ?? [];
      if (alarmed.length > 0) {
        // Every action restarts from the prior (its stored version kept for the optimistic write), and this cycle's
        // outcomes, which raised the alarm, are the first evidence of the new behaviour.
        for (const action of state.actions()) {
          const current = starts.get(action.id) ?? state.model(action.id);
          const { likelihood, d } = current.posterior;
          starts.set(action.id, { ...current, posterior: priorPosterior(state.policy, likelihood, d) });
        }
        // Model quality restarts with the models, as it does when a script replaces one (commit clears the bins):
        // this cycle's outcomes are the new models' first, so they are scored by the prior the new models start from.
        tally = new PredictionTally();
        for (const item of labelled) {
          const start = starts.get(item.actionId)!;
          if (start.posterior.likelihood === 'logistic') tally.add(item.actionId, predictiveLogit(start.posterior, undefined, item.x, scratch), item.y === 1);
        }
      }
      const folded = await Promise.all(
        [...starts].map(async ([actionId, start]) => {
          const batch = batches.get(actionId);
          // No outcomes for it (a restart after a change alarm): a fresh prior, whose covariance is cheap to invert.
          if (!batch) return { start, posterior: start.posterior, covariance: undefined };
          const posterior = await deps.updater.fold(start.posterior, batch);
          // Λ⁻¹ from the worker, when it computed one: the decision thread then never inverts a d×d matrix.
          return { start, posterior, covariance: deps.updater.covarianceOf(posterior) };
        }),
      );
      deps.beforeCommit?.(lastSeq);
      const nowMs = deps.now();
      const committed = commit(db, deps.quality, schema.version, folded, tally, lastSeq, nowMs, alarmed.length > 0);
      if (committed) {
        applied = lastSeq;
        state.swapModels(committed);
        if (watch) changeWatch.keep(watch, new Map(committed.map((entry) => [entry.actionId, entry.version])));
        if (alarmed.length > 0) deps.onRestart?.({ appliedSeq: lastSeq, alarmed, actions: committed.length });
        deps.onCommitted?.({ appliedSeq: lastSeq, rows: rows.length, actions: committed.length, skipped, durationMs: performance.now() - started });
        return rows.length;
      }
      if (attempt >= MAX_CONFLICT_RETRIES) throw new Error('learner: models keep changing under the learner; giving up this cycle');
      state.reload();
    }
  };

  let lastRunEnd = Number.NEGATIVE_INFINITY;
  /** Cycles while each batch comes back full (a backlog); returns once a cycle has caught up. */
  const runAll = async (): Promise<number> => {
    let total = 0;
    try {
      for (;;) {
        const n = await cycle();
        total += n;
        if (n < deps.batchLimit) return total;
      }
    } finally {
      lastRunEnd = performance.now();
    }
  };

  let queued: Promise<number> | undefined;
  let wakeScheduled = false;

  const runOnce = (): Promise<number> => {
    if (!running) {
      running = runAll().finally(() => {
        running = undefined;
      });
      return running;
    }
    // A run is in flight and may have read the feedback table before the caller's row was committed: queue ONE
    // follow-up run, shared by every caller that arrives meanwhile (a burst of wakes costs one extra cycle).
    queued ??= running
      .catch(() => 0)
      .then(() => {
        queued = undefined;
        return stopped ? 0 : runOnce(); // draining: drain() folds the rest itself
      });
    return queued;
  };

  const tick = (): void => {
    if (stopped) return;
    runOnce().catch(deps.onError);
  };
  const poll = periodic(tick, deps.intervalMs, deps.onError);

  return {
    runOnce,
    start() {
      stopped = false;
      poll.start();
    },
    wake() {
      if (stopped || wakeScheduled) return;
      wakeScheduled = true;
      const fire = (): void => {
        wakeScheduled = false;
        tick();
      };
      const wait = lastRunEnd + (deps.minGapMs ?? 0) - performance.now();
      if (wait > 0) setTimeout(fire, wait).unref();
      else setImmediate(fire);
    },
    async drain() {
      stopped = true;
      poll.stop();
      if (running) await running.catch(deps.onError);
      if (queued) await queued.catch(deps.onError);
      // Everything committed so far, to the last row.
      try {
        while ((await cycle()) > 0);
      } catch (error) {
        deps.onError(error);
      }
    },
    appliedSeq: () => applied,
  };
}

/** Writes all posteriors, the cycle's prediction counts and the cursor atomically; undefined when any model changed since it was read. */
function commit(
  db: Db,
  quality: QualityStore,
  schemaVersion: number,
  folded: readonly { start: ModelEntry; posterior: ModelEntry['posterior']; covariance: Float64Array | undefined }[],
  tally: PredictionTally,
  lastSeq: number,
  nowMs: number,
  restarted: boolean,
): ModelEntry[] | undefined {
  class Conflict extends Error {}
  try {
    return transaction(db, () => {
      const entries: ModelEntry[] = [];
      for (const { start, posterior, covariance } of folded) {
        const saved = saveModel(db, start.actionId, schemaVersion, posterior, start.version, nowMs);
        if (!saved) throw new Conflict();
        const entry: ModelEntry = { actionId: start.actionId, schemaVersion, posterior, version: saved.version, updatedAt: saved.updatedAt };
        if (covariance) entry.covariance = covariance;
        entries.push(entry);
      }
      if (restarted) quality.clearAllBins(); // every model restarted from the prior: the old predictions are not theirs
      for (const [actionId, bins] of tally.entries()) quality.addBins(actionId, bins);
      setAppliedSeq(db, lastSeq);
      return entries;
    });
  } catch (error) {
    if (error instanceof Conflict) return undefined;
    throw error;
  }
}

