/**
 * A Personalizer-tutorial-style world (after Microsoft's "what to eat" quickstart): a person's time of day, taste
 * preference and weather (plus a device that does not matter), seven foods with features, and reward 1 when the
 * food served is the one this context prefers, 0 otherwise. Known truth, so a learner's reward rate can be read
 * against Uniform random (1/7) and the best policy (1).
 *
 * One world serves three players: the classic-client learning test (test/e2e/personalizer-learning.test.ts), the
 * `personalizer` data set of bench:regret (the loop's core in process) and anyone reproducing either by hand.
 *
 * The preference is additive in the three variables (the food with the highest affinity sum wins, ties to the
 * earlier food), so per-action linear models over the hashed indicators can represent who wins; that it is an
 * argmax (one winner, reward 0/1) rather than a smooth score is what makes it a classification a bandit must
 * discover from the served food alone.
 */
import type { Rng } from '../../src/core/types.js';
import type { RankableAction } from '../../src/personalizer/types.js';

export const TIMES_OF_DAY = ['morning', 'afternoon', 'evening', 'night'] as const;
export const TASTES = ['salty', 'sweet'] as const;
export const WEATHERS = ['sunny', 'rainy', 'snowy'] as const;
export const DEVICES = ['mobile', 'desktop', 'tablet'] as const;

export interface WorldContext {
  timeOfDay: (typeof TIMES_OF_DAY)[number];
  taste: (typeof TASTES)[number];
  weather: (typeof WEATHERS)[number];
  device: (typeof DEVICES)[number];
}

interface Food {
  id: string;
  features: Record<string, unknown>[];
  /** Affinity by time of day (TIMES_OF_DAY order), taste (TASTES order) and weather (WEATHERS order). */
  time: readonly number[];
  taste: readonly number[];
  weather: readonly number[];
}

const FOODS: readonly Food[] = [
  { id: 'pasta', features: [{ taste: 'salty', spiceLevel: 'medium' }, { nutrition: { calories: 600, grade: 'B' } }], time: [0, 1, 3, 1], taste: [2, 0], weather: [0, 1, 1] },
  { id: 'ice cream', features: [{ taste: 'sweet', temperature: 'cold' }, { nutrition: { calories: 300, grade: 'D' } }], time: [0, 2, 1, 2], taste: [0, 3], weather: [2, 0, -1] },
  { id: 'juice', features: [{ taste: 'sweet', temperature: 'cold', drink: true }, { nutrition: { calories: 120, grade: 'A' } }], time: [3, 1, 0, 0], taste: [0, 2], weather: [2, 0, 0] },
  { id: 'salad', features: [{ taste: 'salty', temperature: 'cold' }, { nutrition: { calories: 200, grade: 'A' } }], time: [1, 3, 1, 0], taste: [1, 0], weather: [2, 0, 0] },
  { id: 'popcorn', features: [{ taste: ['salty', 'sweet'], temperature: 'warm' }, { nutrition: { calories: 400, grade: 'C' } }], time: [0, 1, 2, 3], taste: [2, 1], weather: [0, 2, 1] },
  { id: 'coffee', features: [{ taste: 'bitter', temperature: 'hot', drink: true }, { nutrition: { calories: 5, grade: 'A' } }], time: [3, 1, 0, 1], taste: [0, 1], weather: [0, 1, 2] },
  { id: 'soup', features: [{ taste: 'salty', temperature: 'hot' }, { nutrition: { calories: 250, grade: 'A' } }], time: [0, 1, 2, 1], taste: [2, 0], weather: [-1, 1, 3] },
];

/** A rank request's action with Personalizer's feature type (a list of JSON objects). */
export type WorldAction = RankableAction & { features: Record<string, unknown>[] };

/** The foods as a rank request's `actions` (fresh copies: a caller may mutate them). */
export function worldActions(): WorldAction[] {
  return FOODS.map((food) => ({ id: food.id, features: structuredClone(food.features) }));
}

export const WORLD_ACTION_COUNT = FOODS.length;
/** The reward rate of picking uniformly among the foods: exactly one of them earns 1 in every context. */
export const UNIFORM_REWARD_RATE = 1 / FOODS.length;
/** The reward rate of always serving the preferred food. */
export const BEST_REWARD_RATE = 1;

/** Draws a context: each variable uniform and independent. */
export function drawContext(rng: Rng): WorldContext {
  return {
    timeOfDay: TIMES_OF_DAY[rng.nextInt(TIMES_OF_DAY.length)]!,
    taste: TASTES[rng.nextInt(TASTES.length)]!,
    weather: WEATHERS[rng.nextInt(WEATHERS.length)]!,
    device: DEVICES[rng.nextInt(DEVICES.length)]!,
  };
}

/** The context as Personalizer's free-form `contextFeatures`: one object per concern, nested like real apps send. */
export function contextFeatures(context: WorldContext): Record<string, unknown>[] {
  return [
    { timeOfDay: context.timeOfDay },
    { tastePreference: context.taste },
    { weather: context.weather },
    { device: { type: context.device } },
  ];
}

/** The food this context prefers: the highest affinity sum, ties to the earlier food. */
export function preferredAction(context: WorldContext): string {
  const t = TIMES_OF_DAY.indexOf(context.timeOfDay);
  const s = TASTES.indexOf(context.taste);
  const w = WEATHERS.indexOf(context.weather);
  let best = FOODS[0]!;
  let bestScore = -Infinity;
  for (const food of FOODS) {
    const score = food.time[t]! + food.taste[s]! + food.weather[w]!;
    if (score > bestScore) {
      bestScore = score;
      best = food;
    }
  }
  return best.id;
}

/** Personalizer's reward for serving `actionId` in `context`: 1 for the preferred food, 0 otherwise. */
export function worldReward(context: WorldContext, actionId: string): number {
  return actionId === preferredAction(context) ? 1 : 0;
}

/** Every distinct context of the world (the device included), in a fixed order. */
export function allContexts(): WorldContext[] {
  return TIMES_OF_DAY.flatMap((timeOfDay) =>
    TASTES.flatMap((taste) => WEATHERS.flatMap((weather) => DEVICES.map((device) => ({ timeOfDay, taste, weather, device })))),
  );
}

/** Summary of a played run: the reward rate over all events and over the last fifth (the learned policy). */
export interface WorldRunSummary {
  events: number;
  rewardRate: number;
  lastFifthRewardRate: number;
  uniformRewardRate: number;
  bestRewardRate: number;
  /** Share of the gap from Uniform to the best closed over the last fifth. */
  gapClosed: number;
}

/** Summarises a run's rewards (in event order). */
export function summariseRun(rewards: readonly number[]): WorldRunSummary {
  const n = rewards.length;
  const tail = rewards.slice(n - Math.floor(n / 5));
  const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);
  const last = mean(tail);
  return {
    events: n,
    rewardRate: mean(rewards),
    lastFifthRewardRate: last,
    uniformRewardRate: UNIFORM_REWARD_RATE,
    bestRewardRate: BEST_REWARD_RATE,
    gapClosed: (last - UNIFORM_REWARD_RATE) / (BEST_REWARD_RATE - UNIFORM_REWARD_RATE),
  };
}
