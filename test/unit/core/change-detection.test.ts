import { describe, expect, it } from 'vitest';
import { DEFAULT_CHANGE_TEST, NO_CHANGE, testForChange, type ChangeStatistic } from '../../../src/core/change-detection.js';
import { sigmoid } from '../../../src/core/logistic.js';
import { createPrior, DEFAULT_LINEAR_PRIOR, DEFAULT_LOGISTIC_PRIOR } from '../../../src/core/prior.js';
import { createRng } from '../../../src/core/rng.js';
import type { ObservationBatch, Posterior } from '../../../src/core/types.js';

/** A logistic posterior that is sure of weights `mean` (precision `precision`·I). */
function surePosterior(mean: number[], precision = 1e4): Posterior {
  const d = mean.length;
  const post = createPrior(DEFAULT_LOGISTIC_PRIOR, d);
  post.mean.set(mean);
  post.precision.fill(0);
  post.cholPrecision.fill(0);
  for (let j = 0; j < d; j++) {
    post.precision[j * d + j] = precision;
    post.cholPrecision[j * d + j] = Math.sqrt(precision);
  }
  return post;
}

/** n outcomes at contexts [1, u] (u uniform on [0, 1]) whose true log-odds are the model's plus `shift`. */
function stream(post: Posterior, n: number, shift: number, seed: number): ObservationBatch {
  const rng = createRng(seed);
  const x = new Float64Array(n * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.nextFloat();
    x[2 * i] = 1;
    x[2 * i + 1] = u;
    y[i] = rng.nextFloat() < sigmoid(post.mean[0]! + post.mean[1]! * u + shift) ? 1 : 0;
  }
  return { n, d: 2, x, y };
}

/** Index of the first outcome after which the test alarms (outcomes fed one at a time), or −1. */
function alarmAt(post: Posterior, batch: ObservationBatch): number {
  let stat: ChangeStatistic = NO_CHANGE;
  for (let i = 0; i < batch.n; i++) {
    const one = { n: 1, d: batch.d, x: batch.x.subarray(i * batch.d, (i + 1) * batch.d), y: batch.y.subarray(i, i + 1) };
    const result = testForChange(stat, post, one);
    stat = result.stat;
    if (result.alarm) return i;
  }
  return -1;
}

describe('testForChange', () => {
  it('adds the log-likelihood ratio of a ±δ log-odds shift for each outcome, floored at zero', () => {
    const post = surePosterior([-1, 0.5]);
    const m = -1 + 0.5 * 0.4;
    const delta = DEFAULT_CHANGE_TEST.shift;
    const responded = testForChange(NO_CHANGE, post, { n: 1, d: 2, x: Float64Array.of(1, 0.4), y: Float64Array.of(1) });
    expect(responded.stat.up).toBeCloseTo(Math.log(sigmoid(m + delta) / sigmoid(m)), 12);
    expect(responded.stat.down).toBe(0); // the ratio is negative: floored
    const ignored = testForChange({ up: 0.5, down: 0.25 }, post, { n: 1, d: 2, x: Float64Array.of(1, 0.4), y: Float64Array.of(0) });
    expect(ignored.stat.down).toBeCloseTo(0.25 + Math.log(sigmoid(-m + delta) / sigmoid(-m)), 12);
    expect(ignored.stat.up).toBeCloseTo(Math.max(0, 0.5 + Math.log(sigmoid(-m - delta) / sigmoid(-m))), 12);
    expect(responded.alarm || ignored.alarm).toBe(false);
  });

  it('skips outcomes where the model is still unsure (a fresh prior never accumulates evidence)', () => {
    const prior = createPrior(DEFAULT_LOGISTIC_PRIOR, 2);
    const shifted = stream(surePosterior([-2.9, 0]), 5_000, 3, 1);
    const { stat, alarm } = testForChange(NO_CHANGE, prior, shifted);
    expect(stat).toEqual({ up: 0, down: 0 });
    expect(alarm).toBe(false);
  });

  it('stays quiet over 200,000 outcomes of a model that is right', () => {
    const post = surePosterior([-2, 1]);
    const { stat, alarm } = testForChange(NO_CHANGE, post, stream(post, 200_000, 0, 2));
    expect(alarm).toBe(false);
    expect(Math.max(stat.up, stat.down)).toBeLessThan(DEFAULT_CHANGE_TEST.threshold);
  });

  it('alarms after about h / KL outcomes once the log-odds fall or rise by δ', () => {
    const post = surePosterior([-1, 1]);
    const delta = DEFAULT_CHANGE_TEST.shift;
    // Expected climb per outcome under the shifted truth: KL(p_shifted ‖ p_model), averaged over u ~ U(0, 1).
    const klPerOutcome = (sign: number): number => {
      let kl = 0;
      const steps = 1_000;
      for (let s = 0; s < steps; s++) {
        const z = -1 + (s + 0.5) / steps;
        const p = sigmoid(z + sign * delta);
        const q = sigmoid(z);
        kl += (p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q))) / steps;
      }
      return kl;
    };
    for (const sign of [-1, 1]) {
      const expected = DEFAULT_CHANGE_TEST.threshold / klPerOutcome(sign);
      for (const seed of [3, 4, 5]) {
        const at = alarmAt(post, stream(post, 20 * Math.ceil(expected), sign * delta, seed));
        expect(at).toBeGreaterThan(0.4 * expected);
        expect(at).toBeLessThan(2.5 * expected);
      }
    }
  });

  it('refuses a linear posterior', () => {
    const linear = createPrior(DEFAULT_LINEAR_PRIOR, 2);
    expect(() => testForChange(NO_CHANGE, linear, { n: 0, d: 2, x: new Float64Array(0), y: new Float64Array(0) })).toThrow(/logistic/);
  });
});
