/**
 * Rank and multi-slot rank: the request's semantic checks (the HTTP layer has checked the shapes), actions created
 * on first sight, the learning mode's answer, and one atomic write of the event. A refused request changes nothing:
 * every check runs before the write, and the in-memory actions change only after it.
 */
import type { Posterior, Rng } from '../core/types.js';
import { encodeFeatures, flattenFeatures } from './core/features.js';
import { sameJsonValue } from './core/json-equal.js';
import { newActionPrior } from './core/prior.js';
import { rankCandidates, selectionProbabilities } from './core/ranker.js';
import type { EffectiveConfiguration } from './configuration.js';
import type { LoopState } from './loop-state.js';
import type { RankLog } from './rank-log.js';
import type { SlotRecord } from './store.js';
import {
  MAX_ACTIONS,
  MAX_ID_LENGTH,
  MAX_SLOTS,
  PERSONALIZER_DIMENSION,
  PersonalizerError,
  type FlatFeature,
  type LearningMode,
  type MultiSlotRankRequest,
  type MultiSlotRankResponse,
  type RankableAction,
  type RankRequest,
  type RankResponse,
} from './types.js';

export interface RankingDeps {
  state: LoopState;
  log: RankLog;
  rng: Rng;
  now: () => number;
  config: () => EffectiveConfiguration;
  newEventId: () => string;
  /** Counts a committed rank. */
  ranked?: (kind: 'single' | 'multi', mode: LearningMode) => void;
}

interface ResolvedAction {
  id: string;
  posterior: Posterior;
  covariance: Float64Array | undefined;
}

interface Resolution {
  actions: ResolvedAction[];
  index: Map<string, number>;
  newActions: { id: string; featuresJson: string; features: FlatFeature[]; posterior: Posterior; createdAt: number }[];
  changedActions: { id: string; featuresJson: string; features: FlatFeature[] }[];
}

function bad(target: string, message: string): never {
  throw new PersonalizerError('BadRequest', message, target);
}

function checkId(value: unknown, target: string, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    bad(target, `${what} must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  }
  return value;
}

/** The request's actions: ids checked, features flattened when new or changed, new actions' starting posteriors. */
function resolveActions(deps: RankingDeps, actions: unknown, at: number): Resolution {
  if (!Array.isArray(actions) || actions.length === 0) bad('actions', 'actions must be a non-empty array');
  if (actions.length > MAX_ACTIONS) bad('actions', `at most ${MAX_ACTIONS} actions may be ranked at once, got ${actions.length}`);
  const index = new Map<string, number>();
  const resolved: ResolvedAction[] = [];
  const newActions: Resolution['newActions'] = [];
  const changedActions: Resolution['changedActions'] = [];
  // Only actions that have learned something are worth borrowing from (a cold one lends its prior back).
  let known: { features: readonly FlatFeature[]; posterior: Posterior }[] | undefined;
  for (let i = 0; i < actions.length; i++) {
    const action = actions[i] as RankableAction;
    if (typeof action !== 'object' || action === null) bad(`actions.${i}`, 'each action must be an object with id and features');
    const id = checkId(action.id, `actions.${i}.id`, 'an action id');
    if (index.has(id)) bad(`actions.${i}.id`, `duplicate action id ${JSON.stringify(id)} (also actions.${index.get(id)}.id)`);
    index.set(id, i);
    const sent = action.features ?? [];
    const existing = deps.state.get(id);
    if (existing) {
      existing.lastSeenAt = at;
      existing.sentFeatures ??= JSON.parse(existing.featuresJson) as unknown;
      if (!sameJsonValue(sent, existing.sentFeatures)) {
        const featuresJson = JSON.stringify(sent);
        if (existing.featuresJson !== featuresJson) {
          changedActions.push({ id, featuresJson, features: flattenFeatures(action.features, 'a', `actions.${i}.features`) });
        }
      }
      resolved.push({ id, posterior: existing.posterior, covariance: existing.covariance });
      continue;
    }
    const featuresJson = JSON.stringify(sent);
    const features = flattenFeatures(action.features, 'a', `actions.${i}.features`);
    known ??= deps.state.all().filter((a) => a.posterior.observations > 0);
    const posterior = newActionPrior(features, known, PERSONALIZER_DIMENSION);
    newActions.push({ id, featuresJson, features, posterior, createdAt: at });
    resolved.push({ id, posterior, covariance: undefined });
  }
  return { actions: resolved, index, newActions, changedActions };
}

function excludedSet(excluded: unknown, index: Map<string, number>, target: string): Set<string> {
  const out = new Set<string>();
  if (excluded === undefined || excluded === null) return out;
  if (!Array.isArray(excluded)) bad(target, 'excludedActions must be an array of action ids');
  excluded.forEach((id, j) => {
    if (typeof id !== 'string' || !index.has(id)) bad(`${target}.${j}`, `excluded action ${JSON.stringify(id)} is not one of the actions`);
    out.add(id);
  });
  return out;
}

function eventIdOf(deps: RankingDeps, eventId: unknown): string {
  if (eventId === undefined || eventId === null) return deps.newEventId();
  const id = checkId(eventId, 'eventId', 'eventId');
  // URL parsers drop these path segments: no client could reward or activate such an event.
  if (id === '.' || id === '..') bad('eventId', 'eventId may not be "." or "..": it could not be addressed in a URL path');
  if (deps.log.taken(id)) bad('eventId', `eventId ${JSON.stringify(id)} was already used by another rank`);
  return id;
}

interface SlotChoice {
  chosen: number;
  probabilities: Float64Array;
  record: Omit<SlotRecord, 'slotIndex' | 'slotId'>;
}

/**
 * One slot's answer among `candidates` (indices into resolved actions). `baseline` is one of them, except online in
 * a later slot of a multi-slot rank whose baseline an earlier slot took.
 */
function chooseSlot(deps: RankingDeps, resolved: ResolvedAction[], candidates: number[], baseline: number, x: Float64Array): SlotChoice {
  const { config } = deps.config();
  const input = {
    posteriors: candidates.map((i) => resolved[i]!.posterior),
    covariances: candidates.map((i) => resolved[i]!.covariance),
    x,
    explorationPercentage: config.explorationPercentage,
  };
  const b = candidates.indexOf(baseline);
  let chosen: number;
  let probabilities: Float64Array;
  let greedy: number;
  let baselineProbability: number;
  if (config.learningMode === 'Online') {
    const outcome = rankCandidates(input, deps.rng);
    chosen = outcome.chosen;
    probabilities = outcome.probabilities;
    greedy = outcome.greedy;
    // Online, an earlier slot may have taken this slot's baseline: the policy could not answer it here.
    baselineProbability = b >= 0 ? probabilities[b]! : 0;
  } else {
    // Apprentice and LoggingOnly answer the baseline (a deterministic policy: probability 1); what the model would
    // have done is kept for the apprentice report.
    const model = selectionProbabilities(input);
    greedy = model.greedy;
    baselineProbability = model.probabilities[b]!;
    chosen = b;
    probabilities = new Float64Array(candidates.length);
    probabilities[b] = 1;
  }
  return {
    chosen,
    probabilities,
    record: {
      actionId: resolved[candidates[chosen]!]!.id,
      probability: probabilities[chosen]!,
      baselineId: resolved[baseline]!.id,
      greedyId: resolved[candidates[greedy]!]!.id,
      baselineProbability,
      x,
    },
  };
}

/**
 * Hands the rank to the group commit. The new actions enter the in-memory state at once, so the next rank of the
 * same turn finds them instead of creating them twice (the log takes them out again if the write fails).
 */
function commit(deps: RankingDeps, resolution: Resolution, eventId: string, multi: boolean, deferred: boolean, at: number, slots: SlotRecord[]): Promise<void> {
  const { config, waitMs } = deps.config();
  // A rank the log would refuse (backpressure) must leave nothing behind: refused here, before any state changes.
  deps.log.admit();
  const written = deps.log.append({
    newActions: resolution.newActions,
    changedActions: resolution.changedActions,
    event: {
      eventId,
      multi,
      createdAt: at,
      mode: config.learningMode,
      deferred,
      closesAt: deferred ? null : at + waitMs,
      dropAt: at + waitMs,
      aggregation: config.rewardAggregation,
      defaultReward: config.defaultReward,
    },
    slots,
  });
  for (const a of resolution.newActions) deps.state.install(a);
  return written.then(() => {
    // Changed features count once stored (a failed write leaves the old ones, in memory as on disk).
    for (const a of resolution.changedActions) deps.state.setFeatures(a.id, a.featuresJson, a.features);
    deps.ranked?.(multi ? 'multi' : 'single', config.learningMode);
  });
}

function deferredOf(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') bad('deferActivation', 'deferActivation must be true or false');
  return value;
}

/** What both ranks check and resolve first, in this order (the first fault is the one answered). */
function begin(deps: RankingDeps, request: RankRequest | MultiSlotRankRequest) {
  const at = deps.now();
  const eventId = eventIdOf(deps, request.eventId);
  const deferred = deferredOf(request.deferActivation);
  const context = flattenFeatures(request.contextFeatures, 'c', 'contextFeatures');
  return { at, eventId, deferred, context, resolution: resolveActions(deps, request.actions, at) };
}

export async function rank(deps: RankingDeps, request: RankRequest): Promise<RankResponse> {
  const { at, eventId, deferred, context, resolution } = begin(deps, request);
  const excluded = excludedSet(request.excludedActions, resolution.index, 'excludedActions');
  const candidates: number[] = [];
  resolution.actions.forEach((a, i) => {
    if (!excluded.has(a.id)) candidates.push(i);
  });
  if (candidates.length === 0) bad('excludedActions', 'every action is excluded: at least one must remain to be ranked');
  const x = encodeFeatures([context]);
  const choice = chooseSlot(deps, resolution.actions, candidates, candidates[0]!, x);
  const written = commit(deps, resolution, eventId, false, deferred, at, [{ slotIndex: 0, slotId: null, ...choice.record }]);

  // The chosen action first, then the other candidates by probability (request order on ties), then the excluded.
  const order = candidates.map((_, k) => k).filter((k) => k !== choice.chosen);
  order.sort((p, q) => choice.probabilities[q]! - choice.probabilities[p]! || p - q);
  const ranking = [choice.chosen, ...order].map((k) => ({ id: resolution.actions[candidates[k]!]!.id, probability: choice.probabilities[k]! }));
  for (const a of resolution.actions) if (excluded.has(a.id)) ranking.push({ id: a.id, probability: 0 });
  await written;
  return { ranking, eventId, rewardActionId: choice.record.actionId };
}

export async function multiSlotRank(deps: RankingDeps, request: MultiSlotRankRequest): Promise<MultiSlotRankResponse> {
  const { at, eventId, deferred, context, resolution } = begin(deps, request);
  const slots = request.slots;
  if (!Array.isArray(slots) || slots.length === 0) bad('slots', 'slots must be a non-empty array');
  if (slots.length > MAX_SLOTS) bad('slots', `at most ${MAX_SLOTS} slots, got ${slots.length}`);

  const slotIds = new Map<string, number>();
  const baselines = new Map<string, number>();
  const prepared = slots.map((slot, s) => {
    if (typeof slot !== 'object' || slot === null) bad(`slots.${s}`, 'each slot must be an object with id and baselineAction');
    const id = checkId(slot.id, `slots.${s}.id`, 'a slot id');
    if (slotIds.has(id)) bad(`slots.${s}.id`, `duplicate slot id ${JSON.stringify(id)} (also slots.${slotIds.get(id)}.id)`);
    slotIds.set(id, s);
    const baselineId = slot.baselineAction;
    if (typeof baselineId !== 'string' || !resolution.index.has(baselineId)) {
      bad(`slots.${s}.baselineAction`, 'baselineAction is required and must be one of the actions');
    }
    if (baselines.has(baselineId)) {
      bad(`slots.${s}.baselineAction`, `each slot needs its own baselineAction; ${JSON.stringify(baselineId)} is also slots.${baselines.get(baselineId)}'s`);
    }
    baselines.set(baselineId, s);
    const excluded = excludedSet(slot.excludedActions, resolution.index, `slots.${s}.excludedActions`);
    if (excluded.has(baselineId)) bad(`slots.${s}.baselineAction`, 'a slot may not exclude its own baselineAction');
    const features = flattenFeatures(slot.features, 's', `slots.${s}.features`);
    return { id, baseline: resolution.index.get(baselineId)!, excluded, x: encodeFeatures([context, features]) };
  });

  const taken = new Set<number>();
  const records: SlotRecord[] = [];
  const answer: MultiSlotRankResponse['slots'] = [];
  prepared.forEach((slot, s) => {
    // Earlier slots' picks are not candidates; in Apprentice mode the baselines are unique, so each slot gets its own.
    const candidates: number[] = [];
    resolution.actions.forEach((a, i) => {
      if (!slot.excluded.has(a.id) && !taken.has(i)) candidates.push(i);
    });
    if (candidates.length === 0) bad(`slots.${s}`, 'no action is left for this slot (all excluded or taken by earlier slots)');
    const choice = chooseSlot(deps, resolution.actions, candidates, slot.baseline, slot.x);
    taken.add(candidates[choice.chosen]!);
    records.push({ slotIndex: s, slotId: slot.id, ...choice.record });
    answer.push({ id: slot.id, rewardActionId: choice.record.actionId });
  });
  await commit(deps, resolution, eventId, true, deferred, at, records);
  return { slots: answer, eventId };
}
