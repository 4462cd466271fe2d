/**
 * Arbitration v1.1 (DESIGN.md §8.4) over the eligible actions of one decision: eligible mandatory actions first
 * (deterministic, ahead of every other), then contextual Thompson sampling over the rest with the channel's thresholds
 * and contact cost (src/core/arbitration.ts), the contact-history slots filled per action (src/core/contact-history.ts),
 * and each offered action's largest feature contributions (src/core/reasons.ts).
 */
import { contactHistoryOverride } from '../core/contact-history.js';
import { historySlotsOf, type Encoder } from '../core/encoding.js';
import { topContributions } from '../core/reasons.js';
import { monteCarloError } from '../core/selection-probability.js';
import { ACTION_STATUS, createDecisionScratch, decide, noActionReasonOf, type DecisionResult, type DecisionScratch } from '../core/thompson.js';
import type { Rng } from '../core/types.js';
import type { ActionRecord } from '../../db/stores/catalog.js';
import type { DecisionActionRecord } from '../../db/stores/decisions.js';
import type { ContactRow } from '../policies/types.js';
import { covarianceOf, type EngineState } from './engine-state.js';
import type { Category, DecidedAction, ExclusionReason, NoActionReason } from './types.js';

/** Reasons per offered action. */
const REASONS_PER_ACTION = 3;

export interface ArbitrationInput {
  state: EngineState;
  encoder: Encoder;
  actions: readonly ActionRecord[];
  /** The encoded context; its `history.contacts` slot is filled here for a known customer. */
  x: Float64Array;
  /** A known customer's contact rows (committed and pending), or undefined for an anonymous decision. */
  history: { rows: readonly ContactRow[]; channel: string; now: number } | undefined;
  slots: number;
  propensityThreshold: number;
  priorityThreshold: number;
  /** The channel's contact cost; undefined on an undeclared channel (v1: no net-value rule, only the thresholds). */
  contactCost: number | undefined;
  probabilityDraws: number;
  drawCorrelation: number;
  explain: boolean;
}

export interface ArbitrationResult {
  decided: DecidedAction[];
  records: DecisionActionRecord[];
  /** Only with `explain`: the scored actions that were not offered, with why. */
  excluded: { actionId: string; reason: ExclusionReason }[];
  /** Why nothing was offered although there were candidates. */
  noActionReason: NoActionReason;
  /** The policy's probability of offering nothing (DESIGN.md §9.2): 1 with no candidates, 0 once a mandatory action is offered. */
  noActionProbability: number;
  /**
   * How the probabilities were computed: 'exact' (quadrature, or certain: a mandatory action that fits, no candidates),
   * 'monte-carlo' (re-draws; each action then states `probabilityError`), 'off' (KAIROS_PROBABILITY_DRAWS = 0: the
   * stored numbers are indicators of the actual choice, not probabilities).
   */
  probabilityMethod: ProbabilityMethod;
  /** The Monte Carlo re-draws behind the probabilities (0 unless 'monte-carlo'). */
  probabilityDraws: number;
}

export type ProbabilityMethod = DecisionResult['probabilityMethod'];

/** The less trustworthy of two methods, for a decision whose slate comes from two draws (mandatory, then the rest). */
const RANK: Record<ProbabilityMethod, number> = { exact: 0, 'monte-carlo': 1, off: 2 };
const worse = (a: ProbabilityMethod, b: ProbabilityMethod): ProbabilityMethod => (RANK[b] > RANK[a] ? b : a);

/** Buffers reused across decisions, grown when a decision has more candidates or a longer context than before. */
export interface ArbitrationScratch {
  dimension: number;
  capacity: number;
  buffers?: DecisionScratch;
  overrides?: Float64Array;
}

export function createArbitrationScratch(): ArbitrationScratch {
  return { dimension: -1, capacity: 0 };
}

function buffersFor(s: ArbitrationScratch, k: number, d: number): { buffers: DecisionScratch; overrides: Float64Array } {
  if (!s.buffers || !s.overrides || d !== s.dimension || k > s.capacity) {
    s.capacity = Math.max(k, 64);
    s.dimension = d;
    s.buffers = createDecisionScratch(s.capacity, d);
    s.overrides = new Float64Array(s.capacity);
  }
  return { buffers: s.buffers, overrides: s.overrides };
}

/** Within the contact-history window: the customer's contacts on this channel, and their ignores of each action. */
export interface WindowTally {
  contacts: number;
  ignored: ReadonlyMap<string, number>;
}

/** One pass over the customer's rows per decision; undefined when the schema has no history slots or no customer. */
export function windowTally(input: ArbitrationInput): WindowTally | undefined {
  const windowMs = historySlotsOf(input.encoder)?.windowMs;
  if (windowMs === undefined || !input.history) return undefined;
  const { rows, channel, now } = input.history;
  const since = now - windowMs;
  const decisions = new Set<string>();
  const ignored = new Map<string, number>();
  for (const row of rows) {
    if (row.at > since && row.channel === channel) decisions.add(row.decisionId);
    if (row.outcome === 'ignore' && row.outcomeAt !== null && row.outcomeAt > since) ignored.set(row.actionId, (ignored.get(row.actionId) ?? 0) + 1);
  }
  return { contacts: decisions.size, ignored };
}

/** Scores `actions` and offers up to `slots` of them; `sure`: mandatory — no thresholds, no cost, all offered. */
/** What scoring `actions` needs: their models, the contact-history slot per action, the decision buffers. */
export interface Scoring {
  entries: ReturnType<EngineState['model']>[];
  /** Each action's recent ignores (contact-history slots on), else undefined. */
  ignores: Int32Array | undefined;
  slotOverride: ReturnType<typeof contactHistoryOverride> | undefined;
  buffers: DecisionScratch;
}

export function scoringFor(input: ArbitrationInput, tally: WindowTally | undefined, actions: readonly ActionRecord[], scratch: ArbitrationScratch): Scoring {
  const { buffers, overrides } = buffersFor(scratch, actions.length, input.x.length);
  const ignores = tally && Int32Array.from(actions, (a) => tally.ignored.get(a.id) ?? 0);
  const slotOverride = tally && ignores ? contactHistoryOverride(input.encoder, input.x, tally.contacts, ignores, overrides) : undefined;
  return { entries: actions.map((a) => input.state.model(a.id)), ignores, slotOverride, buffers };
}

/** Appends action `index` of `actions` as offered: its answer entry and its decision-log record, in the next slot. */
export function pushOffered(
  out: ArbitrationResult,
  input: ArbitrationInput,
  scoring: Scoring,
  actions: readonly ActionRecord[],
  index: number,
  scores: Pick<DecisionResult, 'propensity' | 'sampled' | 'priority'>,
  probability: number,
  mandatory: boolean,
): void {
  const action = actions[index]!;
  const { slotOverride } = scoring;
  const override = slotOverride ? { index: slotOverride.index, value: slotOverride.values[index]! } : undefined;
  const entry: DecidedAction = {
    actionId: action.id,
    name: action.name,
    category: action.category as Category,
    propensity: scores.propensity[index]!,
    sampledPropensity: scores.sampled[index]!,
    value: action.value,
    priority: scores.priority[index]!,
    probability,
    mandatory,
    reasons: topContributions(input.x, scoring.entries[index]!.posterior.mean, input.encoder.slots, REASONS_PER_ACTION, override),
  };
  out.records.push({
    actionId: action.id,
    slot: out.decided.length,
    propensity: entry.propensity,
    sampledPropensity: entry.sampledPropensity,
    priority: entry.priority,
    probability,
    category: action.category,
    recentIgnores: scoring.ignores?.[index] ?? 0,
  });
  out.decided.push(entry);
}

function offer(input: ArbitrationInput, tally: WindowTally | undefined, actions: readonly ActionRecord[], slots: number, sure: boolean, cost: number | undefined, rng: Rng, scratch: ArbitrationScratch, out: ArbitrationResult): { method: ProbabilityMethod; noActionProbability: number } {
  const scoring = scoringFor(input, tally, actions, scratch);
  const { entries, slotOverride, buffers } = scoring;
  const open = Number.NEGATIVE_INFINITY;
  // Mandatory actions that all fit the slots are offered with certainty; more of them than slots compete by their
  // draws like any others, so their selection probability is estimated (a NaN would not be stored: 500).
  const certain = sure && actions.length <= slots;
  const result = decide(
    {
      posteriors: entries.map((e) => e.posterior),
      values: Float64Array.from(actions, (a) => a.value),
      levers: Float64Array.from(actions, (a) => a.lever),
      x: input.x,
      priorityThreshold: sure ? open : input.priorityThreshold,
      propensityThreshold: sure ? open : input.propensityThreshold,
      ...(sure || cost === undefined ? {} : { contactCost: cost }),
      slots,
      probabilityDraws: certain ? 0 : input.probabilityDraws,
      probabilityMethod: 'exact',
      covariances: entries.map(covarianceOf),
      correlation: input.drawCorrelation,
      ...(slotOverride ? { slotOverride } : {}),
    },
    rng,
    buffers,
  );
  // Certain: the slate is the same in every draw, so its probabilities (1, and 0 for no action) are exact.
  const method: ProbabilityMethod = certain ? 'exact' : result.probabilityMethod;
  for (const index of result.chosen) pushOffered(out, input, scoring, actions, index, result, certain ? 1 : result.probability[index]!, sure);
  if (!sure) out.noActionReason = noActionReasonOf(result.status);
  // Mandatory actions beyond the slots lost the draw among themselves: outranked, like any other.
  if (input.explain) {
    for (let k = 0; k < actions.length; k++) {
      const status = result.status[k]!;
      if (status === ACTION_STATUS.chosen) continue;
      const reason: ExclusionReason = status === ACTION_STATUS.notWorthContact ? 'not_worth_contact' : status === ACTION_STATUS.outranked ? 'outranked' : 'below_threshold';
      out.excluded.push({ actionId: actions[k]!.id, reason });
    }
  }
  return { method, noActionProbability: certain ? (result.chosen.length > 0 ? 0 : 1) : result.noActionProbability };
}

/** The offered actions (mandatory first), their decision-log records, and why the others were not offered. */
export function arbitrate(input: ArbitrationInput, rng: Rng, scratch: ArbitrationScratch): ArbitrationResult {
  // No candidates: offering nothing is certain.
  const out: ArbitrationResult = { decided: [], records: [], excluded: [], noActionReason: 'below_threshold', noActionProbability: 1, probabilityMethod: 'exact', probabilityDraws: 0 };
  const tally = windowTally(input);
  const mandatory = input.actions.filter((a) => a.mandatory);
  const others = mandatory.length > 0 ? input.actions.filter((a) => !a.mandatory) : input.actions;
  if (mandatory.length > 0) {
    const part = offer(input, tally, mandatory, Math.min(mandatory.length, input.slots), true, 0, rng, scratch, out);
    out.probabilityMethod = part.method;
    out.noActionProbability = part.noActionProbability;
  }
  // A mandatory message already makes the contact: the rest of the slate pays no contact cost of its own.
  const cost = out.decided.length > 0 && input.contactCost !== undefined ? 0 : input.contactCost;
  const slots = input.slots - out.decided.length;
  if (others.length > 0 && slots > 0) {
    // The mandatory part offers something in every draw or in none (it has no thresholds; only an unscorable model,
    // fixed for this decision, keeps one out), so the rest's draw is independent of it: each rest action's
    // probability is its chance in the rest's own draw for the remaining slots, and the decision offers nothing only
    // when the mandatory part offered nothing (then with the rest's no-action probability). Once a mandatory action
    // is offered, the top slot is it (probability 1 when the mandatory actions fit) and no action has probability 0.
    const offeredMandatory = out.decided.length > 0;
    const part = offer(input, tally, others, slots, false, cost, rng, scratch, out);
    out.probabilityMethod = mandatory.length > 0 ? worse(out.probabilityMethod, part.method) : part.method;
    out.noActionProbability = offeredMandatory ? 0 : part.noActionProbability;
  } else if (input.explain) {
    // Mandatory actions took every slot: the others were eligible but had no slot left (explain must still list them).
    for (const a of others) out.excluded.push({ actionId: a.id, reason: 'outranked' });
  }
  if (out.probabilityMethod === 'monte-carlo') {
    out.probabilityDraws = input.probabilityDraws;
    // Every action of the slate states its error; a certain mandatory one (probability 1) states 0.
    for (const entry of out.decided) entry.probabilityError = monteCarloError(entry.probability, input.probabilityDraws);
  }
  return out;
}
