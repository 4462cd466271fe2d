/**
 * A simulated outbound programme whose truth has contact fatigue (issue #10 item 8; `--dataset fatigue`).
 *
 * The bank: N customers, one outbound channel (`email`), K offers of different value, a contact cost. Time runs in
 * rounds; at each round one customer, drawn uniformly, is an opportunity: the policy offers one action or nothing.
 * A customer is thus up about once per N rounds (a "day"), and the history window is WINDOW_DAYS days.
 *
 * The truth, for customer c, action a, at round t:
 *
 *   logit P(response) = base[a][segment(c)] + wDigital[a]·digital(c) + wIncome[a]·income(c)
 *                       − α[a] · ignores(c, a, t) − γ · contacts(c, t)
 *
 * where ignores(c, a, t) counts c's ignores of a, and contacts(c, t) c's contacts on the channel (any action),
 * within the last WINDOW_DAYS·N rounds (the very window the engine's history slots count over). Fatigue is linear
 * in the counts on the logit scale (a response probability decaying geometrically with each ignore and each
 * contact, for small rates); α[a] differs per action (some offers wear out faster), γ is common. The raw counts,
 * not the engine's encoding of them, enter the truth, so the encoding is measured, not assumed.
 *
 * A response to action a is worth VALUES[a]; every contact costs CONTACT_COST. The measure is the cumulative value
 * Σ value of responses − contact costs. With fatigue and a cost, the best policy often says nothing: once a
 * customer has ignored the offers worth making, another contact is worth less than it costs — and contacting them
 * anyway makes the next, better moment worse.
 *
 * Every player meets the same customers in the same order and the same response uniforms (common random numbers):
 * the response to an offer at round t is u[t] < P(response), whatever the player offered.
 */
import { createRng } from '../../../src/core/rng.js';
import type { FeatureSpec } from '../../../src/core/encoding.js';
import { derivedSeed } from '../problem.js';

export const FATIGUE_CHANNEL = 'email';
export const SEGMENTS = ['mass', 'affluent', 'young'] as const;
export const FEATURES: FeatureSpec[] = [
  { name: 'segment', type: 'categorical', values: [...SEGMENTS] },
  { name: 'digital', type: 'boolean' },
  { name: 'income', type: 'numeric', min: 0, max: 1 },
];
export const ACTIONS = ['card', 'savings', 'loan', 'insurance', 'invest', 'mortgage'] as const;
/** Value of a response to each action. */
export const VALUES = Float64Array.of(1, 1.2, 2, 2.5, 4, 6);
/** Cost of one contact on the channel. */
export const CONTACT_COST = 0.2;
/** base[a][segment]: the logit of a fresh customer's response rate (mass, affluent, young). */
const BASE = [
  [-1.6, -2.2, -1.2],
  [-1.8, -1.6, -2.4],
  [-2.6, -3.2, -2.0],
  [-2.8, -2.2, -3.4],
  [-4.0, -2.6, -4.2],
  [-4.4, -3.0, -3.6],
];
const W_DIGITAL = Float64Array.of(0.4, 0.2, 0.3, -0.3, 0.5, 0);
const W_INCOME = Float64Array.of(-0.5, 0.6, -0.8, 0.5, 1.2, 1.0);
/** α[a]: logit drop per ignore of that action in the window. */
export const ALPHA = Float64Array.of(0.5, 0.7, 0.8, 0.6, 0.9, 0.7);
/** γ: logit drop per contact on the channel in the window. */
export const GAMMA = 0.25;
export const WINDOW_DAYS = 14;

export interface FatigueConfig {
  customers: number;
  rounds: number;
}
export const DEFAULT_FATIGUE: FatigueConfig = { customers: 1_000, rounds: 300_000 };

export interface Customer {
  segment: number;
  digital: boolean;
  income: number;
  context: Record<string, unknown>;
}

/** One seed's instance: the customers, who is up at each round, and the response uniforms. */
export interface FatigueWorld {
  config: FatigueConfig;
  /** Window of the history counts, in rounds. */
  window: number;
  customers: Customer[];
  who: Int32Array;
  uniform: Float64Array;
}

export function fatigueWorld(config: FatigueConfig, seed: number): FatigueWorld {
  const rng = createRng(derivedSeed(seed, 11));
  const customers: Customer[] = Array.from({ length: config.customers }, () => {
    const segment = rng.nextInt(SEGMENTS.length);
    const digital = rng.nextFloat() < 0.6;
    const income = rng.nextFloat();
    return { segment, digital, income, context: { segment: SEGMENTS[segment], digital, income } };
  });
  const who = Int32Array.from({ length: config.rounds }, () => rng.nextInt(config.customers));
  const uniform = Float64Array.from({ length: config.rounds }, () => rng.nextFloat());
  return { config, window: WINDOW_DAYS * config.customers, customers, who, uniform };
}

/** The true response probability of action a for a customer with these windowed counts. */
export function trueRate(customer: Customer, a: number, ignores: number, contacts: number): number {
  const z = BASE[a]![customer.segment]! + W_DIGITAL[a]! * (customer.digital ? 1 : 0) + W_INCOME[a]! * customer.income - ALPHA[a]! * ignores - GAMMA * contacts;
  return 1 / (1 + Math.exp(-z));
}

/**
 * Each customer's contact history under one player's play: timestamps of contacts and, per action, of ignores,
 * counted within the window (old entries are dropped as they leave it).
 */
export class ContactHistory {
  private readonly contacts: number[][];
  private readonly ignores: number[][];
  constructor(
    customers: number,
    private readonly k: number,
    private readonly window: number,
  ) {
    this.contacts = Array.from({ length: customers }, () => []);
    this.ignores = Array.from({ length: customers * k }, () => []);
  }
  private static count(list: number[], from: number): number {
    let drop = 0;
    while (drop < list.length && list[drop]! <= from) drop++;
    if (drop > 0) list.splice(0, drop);
    return list.length;
  }
  contactsOf(c: number, t: number): number {
    return ContactHistory.count(this.contacts[c]!, t - this.window);
  }
  ignoresOf(c: number, a: number, t: number): number {
    return ContactHistory.count(this.ignores[c * this.k + a]!, t - this.window);
  }
  record(c: number, a: number, t: number, responded: boolean): void {
    this.contacts[c]!.push(t);
    if (!responded) this.ignores[c * this.k + a]!.push(t);
  }
}
