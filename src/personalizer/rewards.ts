/**
 * Rewards and activations with Personalizer's semantics:
 * - a reward is a number in [-1, 1]; `earliest` keeps the first per slot (its learning need not wait for the end of
 *   the wait time: nothing later can change it), `sum` adds them up until the wait ends;
 * - a reward after the wait time is accepted (204, as Personalizer answered) and not learned;
 * - a deferred event's wait starts at its activation; one never activated within the wait time is dropped, never
 *   learned. Rewards sent before the activation are kept and count once it comes.
 * An unknown event is a 404; the wrong route for the event's kind (single vs multi-slot) a 400.
 */
import type { GroupCommit } from '../domain/group-commit.js';
import type { EventView, PersonalizerStore, RewardWrite } from './store.js';
import { PersonalizerError, type SlotReward } from './types.js';

export interface RewardDeps {
  store: PersonalizerStore;
  /** Rewards are answered once committed; the rewards of one event-loop turn share a transaction. */
  rewards: GroupCommit<RewardWrite>;
  /** Writes the buffered ranks, so an event answered a moment ago is found. */
  flush: () => void;
  now: () => number;
  /** A slot whose first reward (earliest) is final: the learner may fold it at once. */
  ready: (eventId: string, slotIndex: number) => void;
  /** Counts accepted rewards: on time once committed, late (after the wait time: not learned) at once. */
  counted?: (timing: 'on_time' | 'late', count: number) => void;
}

function findEvent(deps: RewardDeps, eventId: string, multi: boolean): EventView {
  // A rank answered a moment ago may still wait for its commit; rewards already accepted are written first too, so
  // an activation sees them.
  deps.flush();
  deps.rewards.flush();
  const event = deps.store.event(eventId);
  if (!event) {
    throw new PersonalizerError('ResourceNotFound', `no event ${JSON.stringify(eventId)}: it was never ranked, or its log was deleted`, 'eventId');
  }
  if (event.multi !== multi) {
    throw new PersonalizerError(
      'BadRequest',
      multi
        ? `event ${JSON.stringify(eventId)} is a single-slot rank: use /events/{eventId}/reward or /activate`
        : `event ${JSON.stringify(eventId)} is a multi-slot rank: use /multislot/events/{eventId}/reward or /activate`,
      'eventId',
    );
  }
  return event;
}

function checkValue(value: unknown, target: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < -1 || value > 1) {
    throw new PersonalizerError('InvalidRewardRequest', 'a reward must be a number from -1 to 1 (typically 0 to 1)', target);
  }
  return value;
}

function isOver(event: EventView, at: number): boolean {
  return event.closedAt !== null || (event.closesAt !== null && at >= event.closesAt);
}

/** The write for one slot's reward, or undefined when it comes after the wait time (accepted, not learned). */
function rewardWrite(deps: RewardDeps, event: EventView, slotIndex: number, value: number, at: number): RewardWrite | undefined {
  if (isOver(event, at)) {
    deps.counted?.('late', 1);
    return undefined;
  }
  return { eventId: event.eventId, slotIndex, value, aggregation: event.aggregation };
}

/** Commits the writes; under `earliest`, an active event's rewarded slots are final and go to the learner. */
async function commitRewards(deps: RewardDeps, event: EventView, writes: readonly (RewardWrite | undefined)[]): Promise<void> {
  const kept = writes.filter((w): w is RewardWrite => w !== undefined);
  await Promise.all(kept.map((w) => deps.rewards.append(w)));
  if (kept.length > 0) deps.counted?.('on_time', kept.length);
  if (event.aggregation === 'earliest' && event.closesAt !== null) for (const w of kept) deps.ready(w.eventId, w.slotIndex);
}

export async function reward(deps: RewardDeps, eventId: string, value: unknown): Promise<void> {
  const checked = checkValue(value, 'value');
  const event = findEvent(deps, eventId, false);
  await commitRewards(deps, event, [rewardWrite(deps, event, 0, checked, deps.now())]);
}

export async function multiSlotReward(deps: RewardDeps, eventId: string, rewards: readonly SlotReward[]): Promise<void> {
  if (!Array.isArray(rewards)) throw new PersonalizerError('InvalidRewardRequest', 'reward must be an array of {slotId, value}', 'reward');
  const checked = rewards.map((r, i) => ({ slotId: r?.slotId, value: checkValue(r?.value, `reward.${i}.value`) }));
  const event = findEvent(deps, eventId, true);
  const bySlot = new Map(event.slots.map((s) => [s.slotId, s.slotIndex]));
  // Every slot id is checked before any reward is kept, so a refused request changes nothing.
  const named = new Map<string, number>();
  const indices = checked.map((r, i) => {
    const index = typeof r.slotId === 'string' ? bySlot.get(r.slotId) : undefined;
    if (index === undefined) {
      throw new PersonalizerError('InvalidRewardRequest', `slot ${JSON.stringify(r.slotId)} is not a slot of event ${JSON.stringify(eventId)}`, `reward.${i}.slotId`);
    }
    const earlier = named.get(r.slotId as string);
    if (earlier !== undefined) {
      throw new PersonalizerError('InvalidRewardRequest', `slot ${JSON.stringify(r.slotId)} is rewarded twice in one request (also reward.${earlier})`, `reward.${i}.slotId`);
    }
    named.set(r.slotId as string, i);
    return index;
  });
  const at = deps.now();
  await commitRewards(deps, event, checked.map((r, i) => rewardWrite(deps, event, indices[i]!, r.value, at)));
}

function activateEvent(deps: RewardDeps, eventId: string, multi: boolean): void {
  const event = findEvent(deps, eventId, multi);
  const at = deps.now();
  // Activating an event that was not deferred, twice, or after it was dropped changes nothing (Personalizer: 204).
  if (!event.deferred || event.activatedAt !== null || event.closedAt !== null || at >= event.dropAt) return;
  // The wait time in force at rank time (dropAt − createdAt), not a later PUT's.
  deps.store.activate(eventId, at, at + (event.dropAt - event.createdAt));
  if (event.aggregation === 'earliest') for (const slot of event.slots) deps.ready(eventId, slot.slotIndex);
}

export function activate(deps: RewardDeps, eventId: string): void {
  activateEvent(deps, eventId, false);
}

export function multiSlotActivate(deps: RewardDeps, eventId: string): void {
  activateEvent(deps, eventId, true);
}
