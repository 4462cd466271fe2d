/**
 * Progressive replay of the decision log (DESIGN.md §9.2). The log is walked in time order (created_at, id); every
 * replayed policy starts from the prior — not from the models as they stand today, which have learned from the very
 * rows being scored — and learns each row's logged outcomes only after scoring it (progressive validation). Outcomes
 * are folded in batches, as the service's learner folds a cycle's feedback at once: a batch closes once its decisions
 * span the learner's interval (KAIROS_LEARNER_INTERVAL) or hold as many decisions as a learner cycle takes
 * (KAIROS_LEARNER_BATCH), so a policy is scored with models about as fresh as the service's were.
 *
 * Rows: "logged" (π = μ, so every estimator is the on-policy mean), "uniform" (π = 1/|candidates|; no action only when
 * the candidate set is empty; its DR model is the service's own settings replayed) and each candidate. The catalog
 * (values, levers, likelihoods) and the decision rules (thresholds, contact cost) are today's: the log keeps each
 * decision's candidate set, not the catalog as it stood. Contact-history slots are learned with the logged counts but
 * scored as logged in x (0 for the per-action slot): the replay cannot rebuild a customer's history per action.
 */
import { encodeHistoryCount } from '../core/encoding.js';
import { addRow, createOpeSums, estimatesOf, type OpeSums } from '../core/ope.js';
import { createRng } from '../core/rng.js';
import type { ObservationBatch, Rng } from '../core/types.js';
import { groupByAction, targetOf, type LabelledRow } from '../learner/fold.js';
import { createScoreScratch, PolicyReplay, type ScoredRow, type ScoreScratch } from './policy-replay.js';
import type { ChannelRule, LoggedDecision, ReplayOutcome, ReplaySetup, ResultRow, SkippedCounts } from './types.js';

export interface Replay {
  /** Scores and then learns these decisions (in time order, after every earlier call's). */
  add(rows: readonly LoggedDecision[]): void;
  /** The estimates over everything added so far. */
  finish(): ReplayOutcome;
}

export function createReplay(setup: ReplaySetup): Replay {
  const d = setup.dimension;
  const index = new Map(setup.actions.map((a, i) => [a.id, i]));
  const baseline = new PolicyReplay(setup.baseline, setup.actions, d);
  const candidates = setup.policies.map((p) => ({ name: p.name, replay: new PolicyReplay(p.settings, setup.actions, d), sums: createOpeSums() }));
  const logged = createOpeSums();
  const uniform = createOpeSums();
  const skipped: SkippedCounts = { pending: 0, multiSlot: 0, unsupported: 0 };
  const scratch: ScoreScratch = createScoreScratch(setup.actions.length, d);
  const rng: Rng = createRng(setup.seed);
  let pending: LabelledRow[] = [];
  let pendingRows = 0;
  let batchStart = Number.NEGATIVE_INFINITY;
  let evaluated = 0;

  const ruleOf = (channel: string): ChannelRule => setup.channels[channel] ?? setup.defaultRule;

  /** The row as a replayed policy scores it, or why no estimate can use it. */
  const classify = (row: LoggedDecision): ScoredRow | keyof SkippedCounts => {
    // Complete when closed, or when a one-slot decision already has its outcome (one per (decision, action), final):
    // waiting for the expirer would leave every decision of the last feedback window out.
    if (row.status !== 'closed' && !(row.offered === 1 && row.outcomes.some((o) => o.actionId === row.topAction))) return 'pending';
    if (row.offered > 1) return 'multiSlot';
    if (row.schemaVersion !== setup.schemaVersion || row.x.length !== d || row.candidates === null) return 'unsupported';
    const rule = ruleOf(row.channel);
    const gated = rule.propensityThreshold > -Infinity || rule.contactCost !== undefined;
    const ids: number[] = [];
    for (const id of row.candidates) {
      const a = index.get(id);
      if (a === undefined) return 'unsupported';
      const action = setup.actions[a]!;
      if (action.likelihood !== 'logistic' || action.mandatory || (gated && !(action.value * action.lever > 0))) return 'unsupported';
      ids.push(a);
    }
    ids.sort((p, q) => p - q); // catalog order, the order the service scored them in (ties go to the lower index)
    const top = row.topAction === null ? -1 : index.get(row.topAction);
    if (top === undefined) return 'unsupported';
    const logged = top < 0 ? -1 : ids.indexOf(top);
    if (top >= 0 && logged < 0) return 'unsupported';
    return { x: row.x, candidates: ids, logged, rule };
  };

  const score = (row: LoggedDecision, scored: ScoredRow): void => {
    const mu = scored.logged >= 0 ? row.topProbability : row.noActionProbability;
    // The service refuses such a window before it starts (409); a row changed since is an error, never a weight of 1.
    if (mu === null || !(mu > 0 && mu <= 1)) throw new Error(`decision ${row.id} has no usable logged probability (${mu})`);
    const r = row.value;
    const k = scored.candidates.length;
    addRow(logged, r, 1, 0, 0);
    baseline.moments(scored, scratch);
    const uniformPi = k === 0 ? 1 : scored.logged >= 0 ? 1 / k : 0;
    let meanQ = 0;
    for (let c = 0; c < k; c++) meanQ += scratch.q[c]!;
    addRow(uniform, r, uniformPi / mu, k === 0 ? 0 : meanQ / k, scored.logged >= 0 ? scratch.q[scored.logged]! : 0);
    for (const candidate of candidates) {
      candidate.replay.moments(scored, scratch);
      const s = candidate.replay.score(scored, scratch, rng);
      // The logged policy could not have said nothing here (μ(no action) = 0): that reward-0 mass joins SNIPS's normaliser.
      const unsupported = scored.logged >= 0 && row.noActionProbability === 0 ? s.noAction : 0;
      addRow(candidate.sums, r, s.probability / mu, s.direct, s.qLogged, unsupported);
    }
    evaluated += 1;
  };

  /** The row's outcomes as the learner would fold them (contact-history slot per outcome, fold.ts). */
  const collect = (row: LoggedDecision): void => {
    if (row.schemaVersion !== setup.schemaVersion || row.x.length !== d) return;
    for (const o of row.outcomes) {
      const a = index.get(o.actionId);
      if (a === undefined) continue;
      let x = row.x;
      if (setup.historyIgnoresSlot !== null) {
        x = Float64Array.from(row.x);
        x[setup.historyIgnoresSlot] = encodeHistoryCount(o.recentIgnores);
      }
      pending.push({ actionId: String(a), x, y: targetOf(setup.actions[a]!.likelihood, o.outcome, o.reward) });
    }
  };

  const learn = (): void => {
    if (pending.length > 0) {
      const batches = new Map<number, ObservationBatch>();
      for (const [a, batch] of groupByAction(pending, d)) batches.set(Number(a), batch);
      baseline.learn(batches);
      for (const candidate of candidates) candidate.replay.learn(batches);
    }
    pending = [];
    pendingRows = 0;
  };

  return {
    add(rows) {
      for (const row of rows) {
        if (pendingRows > 0 && row.createdAt - batchStart >= setup.learnerIntervalMs) learn();
        if (pendingRows === 0) batchStart = row.createdAt;
        const scored = classify(row);
        if (typeof scored === 'string') skipped[scored] += 1;
        else score(row, scored);
        collect(row);
        pendingRows += 1;
        if (pendingRows >= setup.learnerBatchRows) learn();
      }
    },
    finish() {
      const results: ResultRow[] = [
        ...resultRows('logged', logged),
        ...resultRows('uniform', uniform),
        ...candidates.flatMap((c) => resultRows(c.name, c.sums)),
      ];
      return { evaluated, skipped: { ...skipped }, results };
    },
  };
}

function resultRows(policy: string, sums: OpeSums): ResultRow[] {
  const e = estimatesOf(sums);
  const ess = e.effectiveSampleSize;
  return [
    { policy, estimator: 'ips', value: e.ips.value, ci95: e.ips.ci95, effectiveSampleSize: ess },
    { policy, estimator: 'snips', value: e.snips.value, ci95: e.snips.ci95, effectiveSampleSize: ess },
    { policy, estimator: 'dr', value: e.dr.value, ci95: e.dr.ci95, effectiveSampleSize: ess },
  ];
}
