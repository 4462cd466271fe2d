/**
 * One decision (DESIGN.md §7, §8): the effective context (stored profile, event-fed features, then the request's
 * context), the candidates (src/domain/candidates.ts: catalog filters, eligibility, schedule, budget, suppression,
 * contact limit), encoding, arbitration with thresholds, the channel's contact cost and the contact-history slots
 * (src/domain/arbitrate.ts), and the decision record (with the encoded context, so the learner can later fold the
 * outcome in). A decision in the always-on control group (DESIGN.md §9.1, src/measurement/control-group.ts) goes
 * through the same candidates and takes a uniform pick among them instead (src/domain/control-arbitration.ts).
 * Channels, policies and rules are read from memory; a known customer costs one profile read and one
 * contact-history read, the daily budgets one read when an action has a cap — each one prepared query or two.
 */
import { encodeContext, historySlotsOf } from '../core/encoding.js';
import { createRng, randomSeed } from '../core/rng.js';
import type { Rng } from '../core/types.js';
import type { ActionRecord } from '../../db/stores/catalog.js';
import type { CustomerProfile } from '../customers/customer-store.js';
import { effectiveContext } from '../customers/effective-context.js';
import { AppError } from '../errors.js';
import { activeSuppressions, contactsWithin, suppressionLookback, thresholdsFor } from '../policies/contact-rules.js';
import { utcDay, type HistoryQuery } from '../policies/contact-store.js';
import { checkChannel } from '../policies/policy-service.js';
import type { ContactRow } from '../policies/types.js';
import { arbitrate, createArbitrationScratch } from './arbitrate.js';
import { arbitrateControl } from './control-arbitration.js';
import { decisionInControl } from '../measurement/control-group.js';
import { selectCandidates } from './candidates.js';
import type { DecisionLog } from './decision-log.js';
import type { EngineState } from './engine-state.js';
import { uuidv7 } from './ids.js';
import type { KeyCounter } from './key-counter.js';
import type { MetricsHooks } from '../metrics/types.js';
import type { DecisionRequest, DecisionResponse, DecisionService, DecisionTrace } from './types.js';

/** What the decision path reads from the store (the ports of src/customers and src/policies). */
export interface DecisionReads {
  profile(customerId: string, now: number): CustomerProfile | undefined;
  contactHistory(customerId: string, query: HistoryQuery): ContactRow[];
  offeredOn(actionIds: readonly string[], day: number): ReadonlyMap<string, number>;
}

export interface DecisionDeps {
  state: EngineState;
  log: DecisionLog;
  reads: DecisionReads;
  /** Source of each decision's seed (the seed is stored with the decision so it can be replayed). */
  rng: Rng;
  minPriority: number;
  probabilityDraws: number;
  /** Correlation of the actions' Thompson deviates within one decision (see `DRAW_CORRELATION`). */
  drawCorrelation: number;
  now: () => number;
  /** Where context keys unknown to the schema are counted (for stats). */
  unknownKeys?: KeyCounter;
  /**
   * The always-on control group (DESIGN.md §9.1): its share, and the generator of anonymous decisions' membership
   * draws (its own, so the decisions' seeds do not depend on the share). Absent or share 0: no control group.
   */
  control?: { share: number; rng: Rng };
  /** Counts each answered decision (GET /metrics); absent: not counted. */
  metrics?: Pick<MetricsHooks, 'decided'>;
}

function candidatePool(state: EngineState, request: Pick<DecisionRequest, 'candidates'>): ActionRecord[] {
  if (request.candidates === undefined) return [...state.actions()];
  const unknown = request.candidates.filter((id) => state.action(id) === undefined);
  if (unknown.length > 0) {
    throw new AppError(
      'unprocessable',
      `unknown action${unknown.length > 1 ? 's' : ''} in candidates: ${unknown.join(', ')}`,
      unknown.map((id) => ({ field: `candidates.${request.candidates!.indexOf(id)}`, message: `action '${id}' does not exist` })),
    );
  }
  return [...new Set(request.candidates)].map((id) => state.action(id)!);
}

/** Throws the 422 a decision on this channel with these candidates would get (for a trigger, before its event is kept). */
export function checkDecisionTarget(state: EngineState, request: Pick<DecisionRequest, 'channel' | 'candidates'>): void {
  checkChannel(state, request.channel);
  candidatePool(state, request);
}

export function createDecisionService(deps: DecisionDeps): DecisionService {
  const { state } = deps;
  const scratch = createArbitrationScratch();

  const decideTraced = async (request: DecisionRequest): Promise<{ response: DecisionResponse; trace: DecisionTrace }> => {
    deps.log.admit();
    const now = deps.now();
    checkChannel(state, request.channel);
    const channel = state.policies.channel(request.channel);
    const customerId = request.customerId;
    const profile = customerId !== undefined ? deps.reads.profile(customerId, now) : undefined;
    if (profile === undefined && request.context === undefined) {
      // Without a customer id the context is required, as in v1 (400); a customer not stored and no context is a 422.
      if (customerId === undefined) throw new AppError('validation', 'a decision without a customerId needs a context', [{ field: 'context', message: 'required unless customerId names a stored customer' }]);
      throw new AppError('unprocessable', `customer '${customerId}' is not stored and the request has no context`, [
        { field: 'customerId', message: 'store the customer first (PUT /v1/customers/{customerId}) or send a context' },
      ]);
    }
    const encoder = state.encoder();
    const context = effectiveContext(encoder.features, profile, request.context, now);
    const x = new Float64Array(encoder.dimension);
    const report = encodeContext(encoder, context, request.channel, x);
    if (report.problems.length > 0) {
      // A request key at fault is the request's 400; a stored attribute at fault (the request sent no such key) is not
      // the request's error: a 422 naming the customer, so the caller knows to fix the profile or override the key.
      const sent = report.problems.filter((p) => request.context !== undefined && Object.hasOwn(request.context, p.field.slice('context.'.length)));
      if (sent.length > 0 || customerId === undefined) throw new AppError('validation', 'the context does not match the feature schema', sent.length > 0 ? sent : report.problems);
      throw new AppError(
        'unprocessable',
        `customer '${customerId}' has stored attributes that do not match the feature schema`,
        report.problems.map((p) => ({ field: 'customerId', message: `stored attribute '${p.field.slice('context.'.length)}' ${p.message} (PATCH the customer, or send it in context)` })),
      );
    }
    // After the context, as in v1: a request with a bad context and an unknown candidate is the 400 on the context.
    const pool = candidatePool(state, request);

    // A known customer's contact history: committed rows plus this process's decisions not yet committed.
    const policy = state.policies.contactPolicy();
    let rows: ContactRow[] | undefined;
    if (customerId !== undefined) {
      // Only the contacts this decision can be affected by: this channel's within its limit and the history window,
      // and any channel's outcomes within the suppression rules' reach and the window.
      const window = historySlotsOf(encoder)?.windowMs ?? 0;
      const offered = Math.max(channel?.limit?.perMs ?? 0, window);
      const outcomes = Math.max(suppressionLookback(policy), window);
      const since = (lookback: number) => (lookback > 0 ? now - lookback : Number.POSITIVE_INFINITY);
      rows = offered > 0 || outcomes > 0 ? deps.reads.contactHistory(customerId, { channel: request.channel, offeredSince: since(offered), outcomeSince: since(outcomes) }) : [];
      const pending = deps.log.pendingContacts(customerId);
      if (pending.length > 0) rows = rows.concat(pending);
    }
    const suppressedActions = new Set<string>();
    const suppressedCategories = new Set<string>();
    if (rows && rows.length > 0) {
      for (const s of activeSuppressions(policy.suppression, rows, now)) (s.scope === 'action' ? suppressedActions : suppressedCategories).add(s.id);
    }
    const limit = channel?.limit;
    const limitReached = limit != null && rows !== undefined && contactsWithin(rows, request.channel, now - limit.perMs) >= limit.contacts;

    let offered: ReadonlyMap<string, number> | undefined;
    const capped = () => pool.filter((a) => a.dailyCap !== null).map((a) => a.id);
    const selection = selectCandidates(
      pool,
      {
        channel: request.channel,
        now,
        customer: context,
        exclude: request.exclude,
        suppressedActions,
        suppressedCategories,
        limitReached,
        offeredToday: (actionId) => ((offered ??= deps.reads.offeredOn(capped(), utcDay(now))).get(actionId) ?? 0) + deps.log.pendingOffers(actionId, utcDay(now)),
        isEligible: (actionId) => state.policies.isEligible(actionId, context, request.channel, now),
      },
      request.explain === true,
    );

    const seed = randomSeed(deps.rng);
    const thresholds = thresholdsFor(policy, request.channel, deps.minPriority);
    // Same candidates as a policy decision; a uniform pick among them instead of Thompson arbitration.
    const control = deps.control !== undefined && decisionInControl(customerId, now, deps.control.share, deps.control.rng);
    const result = (control ? arbitrateControl : arbitrate)(
      {
        state,
        encoder,
        actions: selection.eligible,
        x,
        history: rows ? { rows, channel: request.channel, now } : undefined,
        slots: request.slots ?? 1,
        propensityThreshold: thresholds.propensity,
        priorityThreshold: thresholds.priority,
        contactCost: channel?.contactCost,
        probabilityDraws: deps.probabilityDraws,
        drawCorrelation: deps.drawCorrelation,
        explain: request.explain === true,
      },
      createRng(seed),
      scratch,
    );

    const decisionId = uuidv7(now);
    const noAction = result.decided.length === 0;
    const noActionReason = !noAction ? undefined : selection.eligible.length > 0 ? result.noActionReason : selection.limited > 0 ? 'contact_limit' : 'no_candidates';
    // Group commit: the answer waits for the batch holding this decision to commit (src/domain/decision-log.ts).
    await deps.log.append({
      id: decisionId,
      createdAt: now,
      customerId: customerId ?? null,
      channel: request.channel,
      schemaVersion: state.schema().version,
      x,
      seed: String(seed),
      status: result.records.length > 0 ? 'pending' : 'closed',
      activated: request.activate !== false,
      group: control ? 'control' : 'policy',
      actions: result.records,
      ...(noActionReason === undefined ? {} : { noActionReason }),
      // Honest logged probabilities for off-policy evaluation (DESIGN.md §9.2; src/domain/arbitrate.ts).
      noActionProbability: result.noActionProbability,
      probabilityMethod: result.probabilityMethod,
      probabilityDraws: result.probabilityDraws,
      // The support of this decision for off-policy evaluation (DESIGN.md §9.2): what the uniform row and a replayed
      // policy may choose among.
      candidates: selection.eligible.map((a) => a.id),
    });
    // Counted only now that the decision is accepted: a rejected request (400, 422) changes no state.
    // Only keys the request sent: stored attributes the schema does not encode are allowed (they serve the rules).
    const sentUnknown = request.context === undefined ? [] : report.unknownKeys.filter((k) => Object.hasOwn(request.context!, k));
    if (sentUnknown.length > 0) deps.unknownKeys?.add(sentUnknown);
    const response: DecisionResponse = {
      decisionId,
      channel: request.channel,
      actions: result.decided,
      noAction,
      group: control ? 'control' : 'policy',
      probabilityMethod: result.probabilityMethod,
    };
    if (noActionReason !== undefined) response.noActionReason = noActionReason;
    deps.metrics?.decided(request.channel, response.group, noActionReason);
    if (request.explain === true) {
      const excluded = selection.excluded.concat(result.excluded);
      if (request.candidates !== undefined) {
        const listed = new Set(request.candidates);
        for (const a of state.actions()) if (!listed.has(a.id)) excluded.push({ actionId: a.id, reason: 'not_candidate' });
      }
      response.excluded = excluded;
      response.context = context;
    }
    return { response, trace: { seed, schemaVersion: state.schema().version, candidates: selection.eligible.length } };
  };

  return {
    decide: async (request) => (await decideTraced(request)).response,
    decideTraced,
  };
}
