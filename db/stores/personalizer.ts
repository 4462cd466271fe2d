/**
 * SQLite implementation of the Personalizer loop's store port (src/personalizer/store.ts). Prepared statements
 * once per connection; every multi-row write is one transaction.
 */
import type { Posterior } from '../../src/core/types.js';
import type {
  ApprenticeTotals,
  DueSlot,
  EventView,
  LoopSettings,
  PersonalizerStore,
  RankWrite,
  RewardWrite,
  StoredAction,
} from '../../src/personalizer/store.js';
import type { FlatFeature, LearningMode, RewardAggregation } from '../../src/personalizer/types.js';
import type { Db } from '../open.js';
import { blobToFloat64, float64ToBlob } from './float64-blob.js';
import { posteriorFromRow, posteriorParams, type PosteriorRow } from './posterior-columns.js';
import { perDb } from './statement-cache.js';

interface ActionRow {
  id: string;
  features_json: string;
  flat: string;
  created_at: number;
  last_seen_at: number;
  dimension: number | null;
  mean: Buffer | null;
  precision: Buffer | null;
  chol_precision: Buffer | null;
  a: number | null;
  b: number | null;
  observations: number | null;
}

interface EventRow {
  event_id: string;
  multi: number;
  created_at: number;
  mode: LearningMode;
  deferred: number;
  activated_at: number | null;
  closes_at: number | null;
  drop_at: number;
  closed_at: number | null;
  aggregation: RewardAggregation;
}

interface SlotRow {
  event_id: string;
  slot_index: number;
  slot_id: string | null;
  action_id: string;
  mode: LearningMode;
  x: Buffer;
  reward: number | null;
  default_reward: number;
  learned_at: number | null;
}

const MODEL_VALUES = '@actionId, @dimension, @mean, @precision, @cholPrecision, @a, @b, @observations';

function prepare(db: Db) {
  const s = db.sqlite;
  return {
    settings: s.prepare<[], { service: string | null; policy: string | null; model_created_at: number; model_modified_at: number }>(
      'SELECT service, policy, model_created_at, model_modified_at FROM pz_settings WHERE id = 1',
    ),
    createSettings: s.prepare<[number, number]>(
      'INSERT INTO pz_settings (id, model_created_at, model_modified_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING',
    ),
    saveService: s.prepare<[string]>('UPDATE pz_settings SET service = ? WHERE id = 1'),
    savePolicy: s.prepare<[string | null]>('UPDATE pz_settings SET policy = ? WHERE id = 1'),
    touchModel: s.prepare<[number]>('UPDATE pz_settings SET model_modified_at = ? WHERE id = 1'),
    newModel: s.prepare<[number, number]>('UPDATE pz_settings SET model_created_at = ?, model_modified_at = ? WHERE id = 1'),
    actions: s.prepare<[], ActionRow>(
      `SELECT a.id, a.features_json, a.flat, a.created_at, a.last_seen_at, m.dimension, m.mean, m.precision, m.chol_precision, m.a, m.b, m.observations
       FROM pz_actions a LEFT JOIN pz_models m ON m.action_id = a.id ORDER BY a.created_at, a.id`,
    ),
    ensureAction: s.prepare(
      `INSERT INTO pz_actions (id, features_json, flat, created_at, last_seen_at) VALUES (@id, @featuresJson, @flat, @createdAt, @createdAt)
       ON CONFLICT (id) DO NOTHING`,
    ),
    upsertAction: s.prepare(
      `INSERT INTO pz_actions (id, features_json, flat, created_at, last_seen_at) VALUES (@id, @featuresJson, @flat, @createdAt, @createdAt)
       ON CONFLICT (id) DO UPDATE SET features_json = excluded.features_json, flat = excluded.flat`,
    ),
    touchAction: s.prepare<[number, string]>('UPDATE pz_actions SET last_seen_at = max(last_seen_at, ?) WHERE id = ?'),
    staleActions: s.prepare<[number], { id: string }>('SELECT id FROM pz_actions WHERE last_seen_at < ?'),
    deleteAction: s.prepare<[string]>('DELETE FROM pz_actions WHERE id = ?'),
    deleteClosed: s.prepare('DELETE FROM pz_events WHERE closed_at IS NOT NULL'),
    updateFeatures: s.prepare('UPDATE pz_actions SET features_json = @featuresJson, flat = @flat WHERE id = @id'),
    upsertModel: s.prepare(
      `INSERT INTO pz_models (action_id, dimension, mean, precision, chol_precision, a, b, observations, version, updated_at)
       VALUES (${MODEL_VALUES}, 1, @updatedAt)
       ON CONFLICT (action_id) DO UPDATE SET dimension = excluded.dimension, mean = excluded.mean, precision = excluded.precision,
         chol_precision = excluded.chol_precision, a = excluded.a, b = excluded.b, observations = excluded.observations,
         version = pz_models.version + 1, updated_at = excluded.updated_at`,
    ),
    deleteModels: s.prepare('DELETE FROM pz_models'),
    eventExists: s.prepare<[string], { one: number }>('SELECT 1 AS one FROM pz_events WHERE event_id = ?'),
    insertEvent: s.prepare(
      `INSERT INTO pz_events (event_id, multi, created_at, mode, deferred, activated_at, closes_at, drop_at, aggregation, default_reward)
       VALUES (@eventId, @multi, @createdAt, @mode, @deferred, NULL, @closesAt, @dropAt, @aggregation, @defaultReward)`,
    ),
    insertSlot: s.prepare(
      `INSERT INTO pz_event_slots (event_id, slot_index, slot_id, action_id, probability, baseline_id, greedy_id, baseline_probability, x)
       VALUES (@eventId, @slotIndex, @slotId, @actionId, @probability, @baselineId, @greedyId, @baselineProbability, @x)`,
    ),
    event: s.prepare<[string], EventRow>(
      'SELECT event_id, multi, created_at, mode, deferred, activated_at, closes_at, drop_at, closed_at, aggregation FROM pz_events WHERE event_id = ?',
    ),
    eventSlots: s.prepare<[string], { slot_index: number; slot_id: string | null; learned_at: number | null }>(
      'SELECT slot_index, slot_id, learned_at FROM pz_event_slots WHERE event_id = ? ORDER BY slot_index',
    ),
    rewardEarliest: s.prepare<[number, string, number]>(
      // earliest: only the first reward writes anything; a later one is accepted and changes nothing.
      'UPDATE pz_event_slots SET reward = ?, rewards = 1 WHERE event_id = ? AND slot_index = ? AND reward IS NULL',
    ),
    rewardSum: s.prepare<[number, string, number]>(
      'UPDATE pz_event_slots SET reward = coalesce(reward, 0) + ?, rewards = rewards + 1 WHERE event_id = ? AND slot_index = ?',
    ),
    activate: s.prepare<[number, number, string]>(
      'UPDATE pz_events SET activated_at = ?, closes_at = ? WHERE event_id = ? AND activated_at IS NULL AND closed_at IS NULL',
    ),
    readySlot: s.prepare<[string, number], SlotRow>(
      `SELECT s.event_id, s.slot_index, s.slot_id, s.action_id, e.mode, s.x, s.reward, e.default_reward, s.learned_at
       FROM pz_event_slots s JOIN pz_events e ON e.event_id = s.event_id
       WHERE s.event_id = ? AND s.slot_index = ? AND s.learned_at IS NULL AND s.reward IS NOT NULL
         AND e.closed_at IS NULL AND e.closes_at IS NOT NULL`,
    ),
    dueEvents: s.prepare<[number, number], { event_id: string }>(
      'SELECT event_id FROM pz_events WHERE closed_at IS NULL AND closes_at <= ? ORDER BY closes_at LIMIT ?',
    ),
    pendingSlots: s.prepare<[string], SlotRow>(
      `SELECT s.event_id, s.slot_index, s.slot_id, s.action_id, e.mode, s.x, s.reward, e.default_reward, s.learned_at
       FROM pz_event_slots s JOIN pz_events e ON e.event_id = s.event_id
       WHERE s.event_id = ? AND s.learned_at IS NULL ORDER BY s.slot_index`,
    ),
    learnSlot: s.prepare<[number, number, string, number]>(
      'UPDATE pz_event_slots SET learned_at = ?, learned_reward = ? WHERE event_id = ? AND slot_index = ? AND learned_at IS NULL',
    ),
    closeEvent: s.prepare<[number, string]>(
      "UPDATE pz_events SET closed_at = ?, outcome = CASE mode WHEN 'LoggingOnly' THEN 'logged' ELSE 'learned' END WHERE event_id = ? AND closed_at IS NULL",
    ),
    dropUnactivated: s.prepare<[number, number]>(
      "UPDATE pz_events SET closed_at = ?, outcome = 'dropped' WHERE closed_at IS NULL AND closes_at IS NULL AND drop_at <= ?",
    ),
    range: s.prepare<[], { from_at: number | null; to_at: number | null }>(
      'SELECT min(created_at) AS from_at, max(created_at) AS to_at FROM pz_events',
    ),
    apprentice: s.prepare<[], { events: number; agreements: number | null; reward_sum: number | null; ips_sum: number | null }>(
      `SELECT count(*) AS events, sum(s.greedy_id = s.baseline_id) AS agreements, sum(s.learned_reward) AS reward_sum,
              sum(s.learned_reward * s.baseline_probability) AS ips_sum
       FROM pz_event_slots s JOIN pz_events e ON e.event_id = s.event_id
       WHERE e.mode = 'Apprentice' AND s.learned_at IS NOT NULL`,
    ),
    prune: s.prepare<[number]>('DELETE FROM pz_events WHERE closed_at IS NOT NULL AND created_at < ?'),
  };
}

const stmts = perDb(prepare);

function modelParams(actionId: string, post: Posterior, now: number): Record<string, unknown> {
  return { actionId, ...posteriorParams(post), updatedAt: now };
}

function toDue(row: SlotRow): DueSlot {
  const rewarded = row.reward !== null;
  return {
    eventId: row.event_id,
    slotIndex: row.slot_index,
    actionId: row.action_id,
    mode: row.mode,
    x: blobToFloat64(row.x),
    reward: rewarded ? row.reward! : row.default_reward,
    rewarded,
  };
}

export function createSqlitePersonalizerStore(db: Db): PersonalizerStore {
  const q = stmts(db);
  const tx = <A extends unknown[], R>(fn: (...args: A) => R) => db.sqlite.transaction(fn);

  const recordRank = tx((write: RankWrite) => {
    for (const action of write.newActions) {
      q.upsertAction.run({ id: action.id, featuresJson: action.featuresJson, flat: JSON.stringify(action.features), createdAt: action.createdAt });
      q.upsertModel.run(modelParams(action.id, action.posterior, action.createdAt));
    }
    for (const action of write.changedActions) {
      q.updateFeatures.run({ id: action.id, featuresJson: action.featuresJson, flat: JSON.stringify(action.features) });
    }
    const e = write.event;
    q.insertEvent.run({
      eventId: e.eventId,
      multi: e.multi ? 1 : 0,
      createdAt: e.createdAt,
      mode: e.mode,
      deferred: e.deferred ? 1 : 0,
      closesAt: e.closesAt,
      dropAt: e.dropAt,
      aggregation: e.aggregation,
      defaultReward: e.defaultReward,
    });
    for (const slot of write.slots) {
      q.insertSlot.run({
        eventId: e.eventId,
        slotIndex: slot.slotIndex,
        slotId: slot.slotId,
        actionId: slot.actionId,
        probability: slot.probability,
        baselineId: slot.baselineId,
        greedyId: slot.greedyId,
        baselineProbability: slot.baselineProbability,
        x: float64ToBlob(slot.x),
      });
    }
  });
  // Nested better-sqlite3 transactions are savepoints: a write that fails rolls back alone.
  const recordRanks = tx((writes: readonly RankWrite[]) => {
    const failures = new Map<number, unknown>();
    writes.forEach((write, i) => {
      try {
        recordRank(write);
      } catch (error) {
        failures.set(i, error);
      }
    });
    return failures;
  });

  const addRewards = tx((rewards: readonly RewardWrite[]) => {
    for (const r of rewards) (r.aggregation === 'sum' ? q.rewardSum : q.rewardEarliest).run(r.value, r.eventId, r.slotIndex);
  });

  const commitLearning = tx((write: Parameters<PersonalizerStore['commitLearning']>[0]) => {
    for (const m of write.models) {
      q.ensureAction.run({ id: m.actionId, featuresJson: m.featuresJson, flat: JSON.stringify(m.features), createdAt: write.now });
      q.upsertModel.run(modelParams(m.actionId, m.posterior, write.now));
    }
    if (write.models.length > 0) q.touchModel.run(write.now);
    for (const l of write.learned) q.learnSlot.run(write.now, l.reward, l.eventId, l.slotIndex);
    for (const eventId of write.closed) q.closeEvent.run(write.now, eventId);
  });

  const touchActions = tx((seen: readonly { id: string; at: number }[]) => {
    for (const a of seen) q.touchAction.run(a.at, a.id);
  });
  const retireActions = tx((before: number) => {
    const ids = q.staleActions.all(before).map((r) => r.id);
    for (const id of ids) q.deleteAction.run(id);
    return ids;
  });

  const resetModels = tx((now: number) => {
    q.deleteModels.run();
    q.newModel.run(now, now);
  });

  const replaceModels = tx((actions: Parameters<PersonalizerStore['replaceModels']>[0], now: number) => {
    q.deleteModels.run();
    for (const a of actions) {
      q.upsertAction.run({ id: a.id, featuresJson: a.featuresJson, flat: JSON.stringify(a.features), createdAt: now });
      q.upsertModel.run(modelParams(a.id, a.posterior, now));
    }
    q.newModel.run(now, now);
  });

  return {
    settings(now) {
      let row = q.settings.get();
      if (!row) {
        q.createSettings.run(now, now);
        row = q.settings.get()!;
      }
      return { service: row.service, policy: row.policy, modelCreatedAt: row.model_created_at, modelModifiedAt: row.model_modified_at };
    },
    saveService: (json) => void q.saveService.run(json),
    savePolicy: (json) => void q.savePolicy.run(json),
    actions(): StoredAction[] {
      return q.actions.all().map((row) => {
        const action: StoredAction = {
          id: row.id,
          featuresJson: row.features_json,
          features: JSON.parse(row.flat) as FlatFeature[],
          createdAt: row.created_at,
          lastSeenAt: row.last_seen_at,
        };
        if (row.dimension !== null) {
          action.posterior = posteriorFromRow('linear', row as PosteriorRow);
        }
        return action;
      });
    },
    recordRanks: (writes) => recordRanks(writes),
    hasEvent: (eventId) => q.eventExists.get(eventId) !== undefined,
    event(eventId): EventView | undefined {
      const row = q.event.get(eventId);
      if (!row) return undefined;
      return {
        eventId: row.event_id,
        multi: row.multi === 1,
        createdAt: row.created_at,
        mode: row.mode,
        deferred: row.deferred === 1,
        activatedAt: row.activated_at,
        closesAt: row.closes_at,
        dropAt: row.drop_at,
        closedAt: row.closed_at,
        aggregation: row.aggregation,
        slots: q.eventSlots.all(eventId).map((s) => ({ slotIndex: s.slot_index, slotId: s.slot_id, learned: s.learned_at !== null })),
      };
    },
    addRewards: (rewards) => addRewards(rewards),
    activate: (eventId, at, closesAt) => void q.activate.run(at, closesAt, eventId),
    readySlots(keys) {
      const out: DueSlot[] = [];
      for (const key of keys) {
        const row = q.readySlot.get(key.eventId, key.slotIndex);
        if (row) out.push(toDue(row));
      }
      return out;
    },
    dueSlots(now, limit) {
      const events = q.dueEvents.all(now, limit).map((r) => r.event_id);
      const slots: DueSlot[] = [];
      for (const eventId of events) for (const row of q.pendingSlots.all(eventId)) slots.push(toDue(row));
      return { slots, events };
    },
    commitLearning: (write) => commitLearning(write),
    dropUnactivated: (now) => q.dropUnactivated.run(now, now).changes,
    resetModels: (now) => resetModels(now),
    replaceModels: (actions, now) => replaceModels(actions, now),
    deleteClosed: () => void q.deleteClosed.run(),
    touchActions: (seen) => touchActions(seen),
    retireActions: (before) => retireActions(before),
    logRange() {
      const row = q.range.get();
      return row && row.from_at !== null && row.to_at !== null ? { from: row.from_at, to: row.to_at } : undefined;
    },
    apprenticeTotals(): ApprenticeTotals {
      const row = q.apprentice.get()!;
      return { events: row.events, agreements: row.agreements ?? 0, rewardSum: row.reward_sum ?? 0, ipsSum: row.ips_sum ?? 0 };
    },
    pruneClosed: (before) => q.prune.run(before).changes,
  };
}
