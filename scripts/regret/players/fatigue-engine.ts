/**
 * Kairos on the fatigue protocol (data/fatigue.ts), through the service's own parts: the encoder (with or without
 * the schema's `contactHistory` option), the core `decide` with the channel's contact cost and the per-action
 * `history.ignores` slot passed as `slotOverride` — the same call the decision service makes — and the learner's
 * `withRecentIgnores` + `groupByAction` + `foldBatch`, so each outcome is learned with the x its action was scored
 * with. Nothing here re-implements deciding or learning.
 *
 * Deliberate differences from the running service: `probabilityDraws` is 0 (the probabilities are reported, never
 * used to choose); one generator per player instead of one per decision.
 */
import { compileEncoder, encodeContext, encodeHistoryCount, historySlotsOf, type Encoder } from '../../../src/core/encoding.js';
import { createRng } from '../../../src/core/rng.js';
import { createDecisionScratch, decide } from '../../../src/core/thompson.js';
import type { Posterior, Rng } from '../../../src/core/types.js';
import { posteriorSd } from '../../../src/core/update.js';
import { foldBatch, groupByAction, priorPosterior, withRecentIgnores, type LabelledRow } from '../../../src/learner/fold.js';
import type { EnginePolicy } from './engine.js';
import type { Customer } from '../data/fatigue.js';

/** What a fatigue player sees of one opportunity: the customer and their windowed history (read at decision time). */
export interface Opportunity {
  customer: Customer;
  /** Contacts on the channel within the window. */
  contacts: number;
  /** Ignores of each action within the window. */
  ignores: Int32Array;
}

export interface FatiguePlayer {
  readonly name: string;
  /** The action offered, or −1 for no action. */
  offer(o: Opportunity): number;
  /** The outcome of the last offer. */
  learn(responded: boolean): void;
}

export interface FatigueEngineOptions {
  name: string;
  actions: number;
  features: Parameters<typeof compileEncoder>[0]['features'];
  channel: string;
  /** The schema's contact-history window; undefined = the same engine without the history slots. */
  window?: string;
  values: Float64Array;
  contactCost: number;
  policy: EnginePolicy;
  batch: number;
  seed: number;
  /** The count encoding (default the engine's `encodeHistoryCount`; another only to measure the choice). */
  encodeCount?: (n: number) => number;
}

export interface FatigueEngine extends FatiguePlayer {
  encoder: Encoder;
  posteriors(): readonly Posterior[];
  /** Posterior mean and sd of the slot's coefficient per action (undefined without the history slots). */
  coefficients(slot: 'ignores' | 'contacts'): { mean: number; sd: number }[] | undefined;
}

export function createFatigueEngine(options: FatigueEngineOptions): FatigueEngine {
  const k = options.actions;
  const encoder = compileEncoder({
    features: options.features,
    channels: [options.channel],
    ...(options.window ? { contactHistory: { window: options.window } } : {}),
  });
  const history = historySlotsOf(encoder);
  const encodeCount = options.encodeCount ?? encodeHistoryCount;
  const d = encoder.dimension;
  const posteriors: Posterior[] = Array.from({ length: k }, () => priorPosterior(options.policy, 'logistic', d));
  const levers = new Float64Array(k).fill(1);
  const scratch = createDecisionScratch(k, d);
  const rng: Rng = createRng(options.seed);
  const x = new Float64Array(d);
  const override = history ? { index: history.ignores, values: new Float64Array(k) } : undefined;
  let pending: LabelledRow[] = [];
  let last: { action: number; x: Float64Array; ignores: number } | undefined;

  const flush = (): void => {
    for (const [actionId, batch] of groupByAction(pending, d)) {
      const a = Number(actionId);
      posteriors[a] = foldBatch(options.policy, posteriors[a]!, batch);
    }
    pending = [];
  };

  return {
    name: options.name,
    encoder,
    offer(o) {
      encodeContext(encoder, o.customer.context, options.channel, x);
      if (history && override) {
        x[history.contacts] = encodeCount(o.contacts);
        for (let a = 0; a < k; a++) override.values[a] = encodeCount(o.ignores[a]!);
      }
      const result = decide(
        {
          posteriors,
          values: options.values,
          levers,
          x,
          contactCost: options.contactCost,
          slots: 1,
          probabilityDraws: 0,
          correlation: options.policy.drawCorrelation,
          ...(override ? { slotOverride: override } : {}),
        },
        rng,
        scratch,
      );
      const action = result.chosen[0];
      if (action === undefined) {
        last = undefined;
        return -1;
      }
      // Stored as the decision log stores it: one x with history.ignores empty, the action's count beside it.
      const stored = Float64Array.from(x);
      if (history) stored[history.ignores] = 0;
      last = { action, x: stored, ignores: o.ignores[action]! };
      return action;
    },
    learn(responded) {
      if (!last) return;
      const row = encodeCount === encodeHistoryCount ? withRecentIgnores(encoder, last.x, last.ignores) : last.x;
      if (history && encodeCount !== encodeHistoryCount) row[history.ignores] = encodeCount(last.ignores);
      pending.push({ actionId: String(last.action), x: row, y: responded ? 1 : 0 });
      last = undefined;
      if (pending.length >= options.batch) flush();
    },
    posteriors: () => posteriors,
    coefficients(slot) {
      if (!history) return undefined;
      const index = history[slot];
      return posteriors.map((p) => ({ mean: p.mean[index]!, sd: posteriorSd(p)[index]! }));
    },
  };
}
