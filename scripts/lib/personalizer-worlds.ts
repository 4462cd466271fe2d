/**
 * Known-truth worlds for the Personalizer loop's core (src/personalizer/core), shared by the learning test, the
 * cold-start test and bench:personalizer-cold. Everything is seeded; nothing here reads a clock.
 *
 * - The tutorial world: Azure Personalizer's food tutorial, contexts time of day × taste × weather, seven dishes
 *   with features, reward 1 for the preferred dish and 0 otherwise (`preferredDish`).
 * - The new-action world: a catalog where W wins; after a warm-up a new action N appears whose features resemble W's
 *   (or a loser's), and the time until the policy's expected reward rate reaches 95 % of the best, and the regret, are
 *   measured with and without the new-action prior, paired by seed (common random numbers).
 */
import { updateLinear } from '../../src/core/linear.js';
import { createPrior } from '../../src/core/prior.js';
import { createRng, randomSeed } from '../../src/core/rng.js';
import type { Posterior, PriorConfig, Rng } from '../../src/core/types.js';
import { encodeFeatures, flattenFeatures } from '../../src/personalizer/core/features.js';
import { newActionPrior, PERSONALIZER_PRIOR } from '../../src/personalizer/core/prior.js';
import { rankCandidates } from '../../src/personalizer/core/ranker.js';
import type { FlatFeature } from '../../src/personalizer/types.js';
import { PERSONALIZER_DIMENSION } from '../../src/personalizer/types.js';

const D = PERSONALIZER_DIMENSION;
export const TIMES = ['morning', 'afternoon', 'evening', 'night'] as const;
export const TASTES = ['salty', 'sweet'] as const;
export const WEATHERS = ['sunny', 'rainy', 'snowy'] as const;

export const DISHES: { id: string; features: unknown[] }[] = [
  { id: 'pasta', features: [{ taste: 'salty', spiceLevel: 'medium', grams: [400, 800] }, { nutritionLevel: 5, cuisine: 'italian' }] },
  { id: 'ice cream', features: [{ taste: 'sweet', spiceLevel: 'none', grams: [150, 300, 450] }, { nutritionalLevel: 2 }] },
  { id: 'juice', features: [{ taste: 'sweet', spiceLevel: 'none', grams: [300, 600, 900] }, { nutritionLevel: 5 }, { drink: true }] },
  { id: 'salad', features: [{ taste: 'salty', spiceLevel: 'low', grams: [300, 600] }, { nutritionLevel: 8 }] },
  { id: 'popcorn', features: [{ taste: 'salty', spiceLevel: 'low', grams: [100, 200] }, { nutritionLevel: 1, snack: true }] },
  { id: 'coffee', features: [{ taste: 'bitter', spiceLevel: 'none', grams: [200] }, { nutritionLevel: 1 }, { drink: true }] },
  { id: 'soup', features: [{ taste: 'salty', spiceLevel: 'medium', grams: [300, 500] }, { nutritionLevel: 7, warm: true }] },
];

export interface TutorialContext {
  time: (typeof TIMES)[number];
  taste: (typeof TASTES)[number];
  weather: (typeof WEATHERS)[number];
}

/** The dish this context's user picks (index into DISHES): a table over time × taste, snowy salty days want soup. */
export function preferredDish(c: TutorialContext): number {
  if (c.weather === 'snowy' && c.taste === 'salty') return 6;
  if (c.time === 'night') return 4;
  if (c.time === 'morning') return c.taste === 'sweet' ? 2 : 5;
  if (c.taste === 'sweet') return 1;
  return c.time === 'afternoon' ? 3 : 0;
}

export function tutorialContext(rng: Rng): TutorialContext {
  return { time: TIMES[rng.nextInt(4)]!, taste: TASTES[rng.nextInt(2)]!, weather: WEATHERS[rng.nextInt(3)]! };
}

/** The context as a Personalizer client sends it. */
export function contextFeatures(c: TutorialContext): unknown[] {
  return [{ time: c.time }, { user: { taste: c.taste } }, { weather: c.weather }];
}

export interface TutorialRun {
  /** Mean reward over each fifth of the events. */
  fifths: number[];
  /** Mean reward over the last fifth. */
  lastFifth: number;
}

/**
 * One run of the tutorial world: `events` ranks of all seven dishes, the chosen one's reward folded into its model
 * in batches of `batch` (per action, as the service's learner folds a cycle's rewards).
 */
export function runTutorial(options: { seed: number; events: number; prior?: PriorConfig; epsilon: number; correlation?: number; batch?: number; extraFeatures?: number }): TutorialRun {
  const rng = createRng(options.seed);
  const prior = options.prior ?? PERSONALIZER_PRIOR;
  const batchSize = options.batch ?? 1;
  const k = DISHES.length;
  const posteriors: Posterior[] = Array.from({ length: k }, () => createPrior(prior, D));
  const pending: { x: number[]; y: number[] }[] = Array.from({ length: k }, () => ({ x: [], y: [] }));
  let waiting = 0;
  const fifthSize = Math.floor(options.events / 5);
  const sums = [0, 0, 0, 0, 0];
  const x = new Float64Array(D);
  for (let t = 0; t < options.events; t++) {
    const c = tutorialContext(rng);
    const features = contextFeatures(c);
    // Irrelevant context (a device, a referrer, …): `extraFeatures` indicators of three values each, so a context has
    // 3 + extraFeatures active slots, the richer contexts the prior's weight variance has to survive.
    for (let e = 0; e < (options.extraFeatures ?? 0); e++) features.push({ [`extra${e}`]: `v${rng.nextInt(3)}` });
    encodeFeatures([flattenFeatures(features, 'c', 'contextFeatures')], x);
    const { chosen } = rankCandidates({ posteriors, x, explorationPercentage: options.epsilon, correlation: options.correlation }, rng);
    const reward = chosen === preferredDish(c) ? 1 : 0;
    const f = Math.min(4, Math.floor(t / fifthSize));
    sums[f] = sums[f]! + reward;
    pending[chosen]!.x.push(...x);
    pending[chosen]!.y.push(reward);
    if (++waiting >= batchSize) {
      for (let i = 0; i < k; i++) {
        const p = pending[i]!;
        if (p.y.length === 0) continue;
        posteriors[i] = updateLinear(posteriors[i]!, { n: p.y.length, d: D, x: Float64Array.from(p.x), y: Float64Array.from(p.y) });
        p.x = [];
        p.y = [];
      }
      waiting = 0;
    }
  }
  const fifths = sums.map((s, i) => s / (i === 4 ? options.events - 4 * fifthSize : fifthSize));
  return { fifths, lastFifth: fifths[4]! };
}

/** The new-action world's actions: three plain ones, W the winner, and the look-alikes a new action can copy. */
const CATALOG: { id: string; features: unknown[]; rate: number }[] = [
  { id: 'W', features: [{ category: 'dessert', taste: 'sweet', temperature: 'cold', brand: 'w' }], rate: 0.6 },
  { id: 'L1', features: [{ category: 'main', taste: 'salty', temperature: 'hot', brand: 'l1' }], rate: 0.3 },
  { id: 'L2', features: [{ category: 'drink', taste: 'bitter', temperature: 'hot', brand: 'l2' }], rate: 0.25 },
  { id: 'L3', features: [{ category: 'snack', taste: 'salty', temperature: 'room', brand: 'l3' }], rate: 0.35 },
];

export type NewActionScenario = 'like-winner-better' | 'like-loser-better' | 'like-winner-worse';

/** N's features and true rate per scenario: a look-alike of W (cosine 3/4 before collisions) or of L1. */
function newAction(scenario: NewActionScenario): { features: unknown[]; rate: number } {
  if (scenario === 'like-loser-better') return { features: [{ category: 'main', taste: 'salty', temperature: 'hot', brand: 'n' }], rate: 0.7 };
  if (scenario === 'like-winner-worse') return { features: [{ category: 'dessert', taste: 'sweet', temperature: 'cold', brand: 'n' }], rate: 0.2 };
  return { features: [{ category: 'dessert', taste: 'sweet', temperature: 'cold', brand: 'n' }], rate: 0.7 };
}

export interface NewActionRun {
  /** Events after N appeared until the 20-event trailing mean of N's selection probability first reached ½ (the
   * policy prefers N); `after` when it never did (censored). */
  eventsToPrefer: number;
  censored: boolean;
  /** Σ over the events after N appeared of (best rate − the policy's expected reward Σ pᵢ rᵢ). */
  regret: number;
  /** The same sum over the first 100, 300 and 1,000 events after N appeared (or all of them when fewer). */
  regretAt: { 100: number; 300: number; 1000: number };
  /** Events after N appeared until the policy's expected reward rate Σ pᵢ rᵢ (known truth: no sampling noise) first
   * reached 90 % / 95 % of the best rate, counting the event it did (1 = already at N's first rank); `after + 1` when
   * it never did. */
  eventsTo90: number;
  eventsTo95: number;
  /** N's selection probability in the first rank after it appeared. */
  firstProbability: number;
}

/** What a trace sees at each event after N appeared (before that event's reward is learned). */
export interface NewActionTraceEvent {
  t: number;
  x: Float64Array;
  probabilities: Float64Array;
  posteriors: readonly Posterior[];
  chosen: number;
  reward: number;
  expected: number;
}

interface WarmState {
  posteriors: readonly Posterior[];
  contextRng: Rng;
  rewardRngs: readonly Rng[];
  policyRng: Rng;
}

const warmCache = new Map<string, WarmState>();

/**
 * The catalog's state after `warmup` events, the same for every scenario and prior of a seed (N is not there yet), so
 * it is computed once per (seed, warmup, ε) and cloned by each run (posteriors are never mutated, the streams are).
 */
function warmUp(seed: number, warmup: number, epsilon: number): WarmState {
  const key = `${seed}/${warmup}/${epsilon}`;
  const cached = warmCache.get(key);
  if (cached) return cached;
  const master = createRng(seed);
  const contextRng = createRng(randomSeed(master));
  const rewardRngs = Array.from({ length: CATALOG.length + 1 }, () => createRng(randomSeed(master)));
  const policyRng = createRng(randomSeed(master));
  const posteriors: Posterior[] = CATALOG.map(() => createPrior(PERSONALIZER_PRIOR, D));
  const x = new Float64Array(D);
  for (let t = 0; t < warmup; t++) {
    encodeFeatures([flattenFeatures(contextFeatures(tutorialContext(contextRng)), 'c', 'contextFeatures')], x);
    const { chosen } = rankCandidates({ posteriors, x, explorationPercentage: epsilon }, policyRng);
    const reward = rewardRngs[chosen]!.nextFloat() < CATALOG[chosen]!.rate ? 1 : 0;
    posteriors[chosen] = updateLinear(posteriors[chosen]!, { n: 1, d: D, x, y: Float64Array.of(reward) });
  }
  const state = { posteriors, contextRng, rewardRngs, policyRng };
  if (warmCache.size >= 1000) warmCache.clear();
  warmCache.set(key, state);
  return state;
}

/**
 * One run: `warmup` events over the catalog (W wins), then N joins and `after` more events. Contexts are the tutorial
 * world's (rewards do not depend on them: the question is the new action's start). `borrow`: N's first posterior from
 * newActionPrior over the catalog's models and features; otherwise the cold prior.
 */
export function runNewAction(options: {
  seed: number;
  scenario: NewActionScenario;
  borrow: boolean;
  warmup: number;
  after: number;
  epsilon: number;
  pseudoObservations?: number;
  confidenceShare?: number;
  trace?: (event: NewActionTraceEvent) => void;
}): NewActionRun {
  // Common random numbers: the contexts, each action's rewards (its k-th pull's reward) and the policy's draws come
  // from streams of their own, so a run with and one without borrowing see the same contexts and the same luck of N's
  // (and every action's) k-th reward; only the choices differ. The warm-up is identical in both.
  const warm = warmUp(options.seed, options.warmup, options.epsilon);
  const contextRng = warm.contextRng.clone();
  const rewardRngs = warm.rewardRngs.map((r) => r.clone());
  const policyRng = warm.policyRng.clone();
  const actions = CATALOG.map((a) => ({ ...a, flat: flattenFeatures(a.features, 'a', 'features') as FlatFeature[] }));
  const posteriors: Posterior[] = [...warm.posteriors];
  const rates = actions.map((a) => a.rate);
  const x = new Float64Array(D);
  const step = (): { probabilities: Float64Array; chosen: number; reward: number } => {
    encodeFeatures([flattenFeatures(contextFeatures(tutorialContext(contextRng)), 'c', 'contextFeatures')], x);
    const { chosen, probabilities } = rankCandidates({ posteriors, x, explorationPercentage: options.epsilon }, policyRng);
    const reward = rewardRngs[chosen]!.nextFloat() < rates[chosen]! ? 1 : 0;
    return { probabilities, chosen, reward };
  };
  const learn = (chosen: number, reward: number): void => {
    posteriors[chosen] = updateLinear(posteriors[chosen]!, { n: 1, d: D, x, y: Float64Array.of(reward) });
  };
  const n = newAction(options.scenario);
  const flat = flattenFeatures(n.features, 'a', 'features');
  const known = actions.map((a, i) => ({ features: a.flat, posterior: posteriors[i]! }));
  posteriors.push(options.borrow ? newActionPrior(flat, known, D, { pseudoObservations: options.pseudoObservations, confidenceShare: options.confidenceShare }) : createPrior(PERSONALIZER_PRIOR, D));
  rates.push(n.rate);
  const best = Math.max(...rates);
  const newIndex = rates.length - 1;
  const WINDOW = 20;
  const trail: number[] = [];
  let trailSum = 0;
  let eventsToPrefer = -1;
  let eventsTo90 = -1;
  let eventsTo95 = -1;
  let regret = 0;
  const regretAt = { 100: 0, 300: 0, 1000: 0 };
  let firstProbability = 0;
  for (let t = 0; t < options.after; t++) {
    const { probabilities: p, chosen, reward } = step();
    if (t === 0) firstProbability = p[newIndex]!;
    let expected = 0;
    for (let i = 0; i < p.length; i++) expected += p[i]! * rates[i]!;
    options.trace?.({ t, x, probabilities: p, posteriors, chosen, reward, expected });
    learn(chosen, reward);
    regret += best - expected;
    if (t < 100) regretAt[100] = regret;
    if (t < 300) regretAt[300] = regret;
    if (t < 1000) regretAt[1000] = regret;
    if (eventsTo90 < 0 && expected >= 0.9 * best) eventsTo90 = t + 1;
    if (eventsTo95 < 0 && expected >= 0.95 * best) eventsTo95 = t + 1;
    trail.push(p[newIndex]!);
    trailSum += p[newIndex]!;
    if (trail.length > WINDOW) trailSum -= trail.shift()!;
    if (eventsToPrefer < 0 && trail.length === WINDOW && trailSum / WINDOW >= 0.5) eventsToPrefer = t + 1;
  }
  return {
    eventsToPrefer: eventsToPrefer < 0 ? options.after : eventsToPrefer,
    censored: eventsToPrefer < 0,
    regret,
    regretAt,
    eventsTo90: eventsTo90 < 0 ? options.after + 1 : eventsTo90,
    eventsTo95: eventsTo95 < 0 ? options.after + 1 : eventsTo95,
    firstProbability,
  };
}
