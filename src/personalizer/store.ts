/**
 * The Personalizer loop's storage port: what the service and its learner need, in their terms. The SQLite
 * implementation is db/stores/personalizer.ts; a PostgreSQL one (DESIGN.md §12) implements the same interface.
 */
import type { Posterior } from '../core/types.js';
import type { FlatFeature, LearningMode, RewardAggregation } from './types.js';

export interface StoredAction {
  id: string;
  featuresJson: string;
  features: FlatFeature[];
  createdAt: number;
  lastSeenAt: number;
  /** Absent: the action has no stored posterior (after DELETE /model): it starts from the prior. */
  posterior?: Posterior;
}

export interface LoopSettings {
  /** JSON of the service configuration as last PUT; null = defaults. */
  service: string | null;
  policy: string | null;
  modelCreatedAt: number;
  modelModifiedAt: number;
}

export interface EventRecord {
  eventId: string;
  multi: boolean;
  createdAt: number;
  mode: LearningMode;
  deferred: boolean;
  /** Null while a deferred event waits for its activation. */
  closesAt: number | null;
  dropAt: number;
  aggregation: RewardAggregation;
  defaultReward: number;
}

export interface SlotRecord {
  slotIndex: number;
  slotId: string | null;
  actionId: string;
  probability: number;
  baselineId: string;
  greedyId: string;
  baselineProbability: number;
  x: Float64Array;
}

/** What a reward or an activation needs to know of an event. */
export interface EventView {
  eventId: string;
  multi: boolean;
  createdAt: number;
  mode: LearningMode;
  deferred: boolean;
  activatedAt: number | null;
  closesAt: number | null;
  dropAt: number;
  closedAt: number | null;
  aggregation: RewardAggregation;
  /** slot id (null for a single-slot event) → slot index. */
  slots: { slotIndex: number; slotId: string | null; learned: boolean }[];
}

/** A slot whose reward (or default reward) is ready to learn. */
export interface DueSlot {
  eventId: string;
  slotIndex: number;
  actionId: string;
  mode: LearningMode;
  x: Float64Array;
  /** The aggregated reward, or the event's default reward when none came. */
  reward: number;
  rewarded: boolean;
}

export interface ApprenticeTotals {
  events: number;
  agreements: number;
  rewardSum: number;
  ipsSum: number;
}

export interface RewardWrite {
  eventId: string;
  slotIndex: number;
  value: number;
  aggregation: RewardAggregation;
}

/** One rank's write. */
export interface RankWrite {
  newActions: { id: string; featuresJson: string; features: FlatFeature[]; posterior: Posterior; createdAt: number }[];
  changedActions: { id: string; featuresJson: string; features: FlatFeature[] }[];
  event: EventRecord;
  slots: SlotRecord[];
}

export interface PersonalizerStore {
  /** The settings row, created with `modelCreatedAt = now` on first use. */
  settings(now: number): LoopSettings;
  saveService(json: string): void;
  savePolicy(json: string | null): void;
  actions(): StoredAction[];
  /**
   * A batch of ranks in one transaction, each in its own savepoint: new actions with their starting posteriors,
   * changed action features, the event and its slots. Returns the error of each write that failed, by index (those
   * wrote nothing); throws when the transaction itself failed.
   */
  recordRanks(writes: readonly RankWrite[]): Map<number, unknown>;
  hasEvent(eventId: string): boolean;
  event(eventId: string): EventView | undefined;
  /** Adds rewards in one transaction: earliest keeps the first value of a slot, sum adds. */
  addRewards(rewards: readonly RewardWrite[]): void;
  /** Marks a deferred event activated; its wait ends at `closesAt`. */
  activate(eventId: string, at: number, closesAt: number): void;
  /** Rewarded, not yet learned slots of open, active events (earliest aggregation: the first reward is final). */
  readySlots(keys: readonly { eventId: string; slotIndex: number }[]): DueSlot[];
  /** Not yet learned slots of events whose wait has ended by `now` (at most `limit` events). */
  dueSlots(now: number, limit: number): { slots: DueSlot[]; events: string[] };
  /**
   * One learner cycle, atomically: the new posteriors, the learned slots with the reward learned, the events that
   * close (outcome by mode), the deferred events dropped because they were never activated.
   */
  commitLearning(write: {
    /** The action row is written too when it is missing (a rank whose write failed after another used the action). */
    models: { actionId: string; featuresJson: string; features: FlatFeature[]; posterior: Posterior }[];
    learned: { eventId: string; slotIndex: number; reward: number }[];
    closed: string[];
    now: number;
  }): void;
  /** Closes deferred events never activated by their drop time; returns how many. */
  dropUnactivated(now: number): number;
  /** DELETE /model: every posterior goes; the actions stay. */
  resetModels(now: number): void;
  /** PUT /model: every posterior replaced (actions created as needed). */
  replaceModels(actions: { id: string; featuresJson: string; features: FlatFeature[]; posterior: Posterior }[], now: number): void;
  /** Earliest and latest rank time of the kept events; undefined when none. */
  logRange(): { from: number; to: number } | undefined;
  apprenticeTotals(): ApprenticeTotals;
  /** Deletes closed events ranked before `before`; returns how many. */
  pruneClosed(before: number): number;
  /** Deletes every closed event (DELETE /logs); open ones stay until they close. */
  deleteClosed(): void;
  /** Records when actions were last ranked. */
  touchActions(seen: readonly { id: string; at: number }[]): void;
  /** Deletes the actions (and their posteriors) last ranked before `before`; returns their ids. */
  retireActions(before: number): string[];
}
