/**
 * Which actions may compete in a decision, and why each other one may not (DESIGN.md §8.4 order: eligibility →
 * schedule/budget → suppression → contact limit; the v1 filters — active, channel, candidates, exclude — first).
 * Pure over what the caller read: the catalog, the customer's effective context and contact history, budgets.
 */
import type { ActionRecord } from '../../db/stores/catalog.js';
import type { ExclusionReason } from './types.js';

export interface CandidateInputs {
  channel: string;
  now: number;
  /** The effective context (what eligibility rules see as `customer`). */
  customer: Record<string, unknown>;
  candidates?: readonly string[];
  exclude?: readonly string[];
  /** Actions and categories suppressed for this customer now. */
  suppressedActions: ReadonlySet<string>;
  suppressedCategories: ReadonlySet<string>;
  /** The customer's contact limit on this channel is reached (mandatory actions still pass). */
  limitReached: boolean;
  /** Offers of the action so far this UTC day (store + not yet committed). */
  offeredToday: (actionId: string) => number;
  /** The action's eligibility rule for this customer (true when it has none; errors count as false). */
  isEligible: (actionId: string) => boolean;
}

export interface CandidateSelection {
  eligible: ActionRecord[];
  excluded: { actionId: string; reason: ExclusionReason }[];
  /** How many were left out only by the contact limit (for `noActionReason`). */
  limited: number;
}

/** `pool`: the actions to consider (the `candidates` list when given, else the catalog). */
export function selectCandidates(pool: readonly ActionRecord[], inputs: CandidateInputs, explain: boolean): CandidateSelection {
  const excludedIds = inputs.exclude && inputs.exclude.length > 0 ? new Set(inputs.exclude) : undefined;
  const eligible: ActionRecord[] = [];
  const excluded: { actionId: string; reason: ExclusionReason }[] = [];
  let limited = 0;
  const out = (a: ActionRecord, reason: ExclusionReason) => {
    if (reason === 'contact_limit') limited += 1;
    if (explain) excluded.push({ actionId: a.id, reason });
  };
  for (const a of pool) {
    if (!a.active) out(a, 'inactive');
    else if (a.channels.length > 0 && !a.channels.includes(inputs.channel)) out(a, 'channel');
    else if (excludedIds?.has(a.id)) out(a, 'excluded');
    else if (!inputs.isEligible(a.id)) out(a, 'eligibility');
    else if ((a.startAt !== null && inputs.now < a.startAt) || (a.endAt !== null && inputs.now >= a.endAt)) out(a, 'schedule');
    else if (a.dailyCap !== null && inputs.offeredToday(a.id) >= a.dailyCap) out(a, 'budget');
    else if (inputs.suppressedActions.has(a.id) || inputs.suppressedCategories.has(a.category)) out(a, 'suppressed');
    else if (inputs.limitReached && !a.mandatory) out(a, 'contact_limit');
    else eligible.push(a);
  }
  return { eligible, excluded, limited };
}

