/**
 * The core guards its outputs: extreme but finite inputs (within src/core/limits.ts) never yield a non-finite
 * propensity, draw, priority or probability from `decide`, a posterior that is not finite never wins, and the guarded
 * update never lets a non-finite number into a model — while giving exactly `updatePosterior`'s answer on real data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileEncoder, encodeContext, sameSchema, type FeatureSpec } from '../../../src/core/encoding.js';
import { checkFeatureLimits, MAX_ABS_REWARD, MAX_ACTION_LEVER, MAX_ACTION_VALUE, RAW_NUMERIC_CLIP } from '../../../src/core/limits.js';
import { inverseFromCholesky } from '../../../src/core/linalg.js';
import { createPrior, DEFAULT_LINEAR_PRIOR, DEFAULT_LOGISTIC_PRIOR } from '../../../src/core/prior.js';
import { createRng } from '../../../src/core/rng.js';
import { createDecisionScratch, decide } from '../../../src/core/thompson.js';
import type { Likelihood, ObservationBatch, Posterior } from '../../../src/core/types.js';
import { isFinitePosterior, updatePosterior, updatePosteriorGuarded } from '../../../src/core/update.js';

const D = 4;

function batchOf(rows: number[][], y: number[]): ObservationBatch {
  return { n: rows.length, d: rows[0]!.length, x: Float64Array.from(rows.flat()), y: Float64Array.from(y) };
}

function expectAllFinite(post: Posterior): void {
  expect(isFinitePosterior(post), JSON.stringify({ a: post.a, b: post.b, mean: [...post.mean] })).toBe(true);
}

/** A posterior whose mean and precision diagonal span many orders of magnitude (still a valid model). */
const extremePosterior = fc
  .record({
    linear: fc.boolean(),
    mean: fc.array(fc.double({ min: -1e300, max: 1e300, noNaN: true }), { minLength: D, maxLength: D }),
    logPrecision: fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: D, maxLength: D }),
    logB: fc.double({ min: -50, max: 250, noNaN: true }),
  })
  .map(({ linear, mean, logPrecision, logB }): Posterior => {
    const likelihood: Likelihood = linear ? 'linear' : 'logistic';
    const post = createPrior(linear ? DEFAULT_LINEAR_PRIOR : DEFAULT_LOGISTIC_PRIOR, D);
    post.mean.set(mean);
    for (let j = 0; j < D; j++) {
      const p = Math.exp(logPrecision[j]!);
      post.precision[j * D + j] = p;
      post.cholPrecision[j * D + j] = Math.sqrt(p);
    }
    if (likelihood === 'linear') post.b = Math.exp(logB);
    return post;
  });

const context = fc.array(fc.double({ min: -RAW_NUMERIC_CLIP, max: RAW_NUMERIC_CLIP, noNaN: true }), { minLength: D - 1, maxLength: D - 1 });

describe('decide never answers with a non-finite number', () => {
  it('for extreme but finite posteriors, contexts, values and levers (property)', () => {
    fc.assert(
      fc.property(
        fc.array(extremePosterior, { minLength: 1, maxLength: 6 }),
        context,
        fc.double({ min: 0, max: MAX_ACTION_VALUE, noNaN: true }),
        fc.double({ min: 1e-9, max: MAX_ACTION_LEVER, noNaN: true }),
        fc.constantFrom(0, 20),
        fc.constantFrom<'exact' | 'monte-carlo'>('exact', 'monte-carlo'),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (posteriors, rest, value, lever, draws, method, seed) => {
          const x = Float64Array.of(1, ...rest);
          const k = posteriors.length;
          const result = decide(
            {
              posteriors,
              values: new Float64Array(k).fill(value),
              levers: new Float64Array(k).fill(lever),
              x,
              threshold: 0,
              slots: 1,
              probabilityDraws: draws,
              probabilityMethod: method,
            },
            createRng(seed),
            createDecisionScratch(k, D),
          );
          for (let i = 0; i < k; i++) {
            expect(Number.isFinite(result.propensity[i]!), `propensity ${result.propensity[i]}`).toBe(true);
            expect(Number.isFinite(result.sampled[i]!), `sampled ${result.sampled[i]}`).toBe(true);
            expect(Number.isFinite(result.priority[i]!), `priority ${result.priority[i]}`).toBe(true);
          }
          // 'exact' reports NaN ("not computed") for actions it did not choose; the chosen ones are always finite.
          for (const i of result.chosen) expect(result.probability[i]!).toBeGreaterThanOrEqual(0);
          for (const i of result.chosen) expect(result.probability[i]!).toBeLessThanOrEqual(1);
          expect(Number.isFinite(result.noActionProbability)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a posterior that is not finite is left out and reported as 0, whatever its value', () => {
    const healthy = createPrior(DEFAULT_LOGISTIC_PRIOR, D);
    const poisoned = createPrior(DEFAULT_LINEAR_PRIOR, D);
    poisoned.b = Number.POSITIVE_INFINITY; // what one reward of 1e200 did to a linear model's noise scale
    const nanMean = createPrior(DEFAULT_LOGISTIC_PRIOR, D);
    nanMean.mean[1] = Number.NaN;
    const posteriors = [poisoned, healthy, nanMean];
    for (const method of ['exact', 'monte-carlo'] as const) {
      for (let seed = 1; seed <= 50; seed++) {
        const result = decide(
          {
            posteriors,
            values: Float64Array.of(1e9, 1, 1e9),
            levers: Float64Array.of(1e6, 1, 1e6),
            x: Float64Array.of(1, 1, 0, 1),
            threshold: 0,
            slots: 1,
            probabilityDraws: 20,
            probabilityMethod: method,
          },
          createRng(seed),
          createDecisionScratch(3, D),
        );
        expect(result.chosen).toEqual([1]);
        expect(result.unscorable).toBe(2);
        for (const i of [0, 2]) {
          expect([result.propensity[i], result.sampled[i], result.priority[i], result.probability[i]]).toEqual([0, 0, 0, 0]);
        }
        expect(result.probability[1]).toBe(1);
      }
    }
  });

  it('value 1e308 × lever 1e308 (stored before the limits) gives a finite priority, never null', () => {
    const posteriors = [createPrior(DEFAULT_LOGISTIC_PRIOR, D), createPrior(DEFAULT_LINEAR_PRIOR, D)];
    for (let seed = 1; seed <= 20; seed++) {
      const result = decide(
        {
          posteriors,
          values: Float64Array.of(1e308, 1e308),
          levers: Float64Array.of(1e308, 1e308),
          x: Float64Array.of(1, 0, 1, 0),
          threshold: -1e12,
          slots: 2,
          probabilityDraws: 10,
        },
        createRng(seed),
        createDecisionScratch(2, D),
      );
      for (let i = 0; i < 2; i++) expect(Number.isFinite(result.priority[i]!), `priority ${result.priority[i]}`).toBe(true);
      for (let i = 0; i < 2; i++) expect(Number.isFinite(result.probability[i]!)).toBe(true);
    }
  });

  it('leaves the decision of finite posteriors exactly as before (same draws, same choice)', () => {
    const posteriors = [createPrior(DEFAULT_LOGISTIC_PRIOR, D), createPrior(DEFAULT_LINEAR_PRIOR, D)];
    const input = {
      posteriors,
      values: Float64Array.of(2, 1),
      levers: Float64Array.of(1, 1),
      x: Float64Array.of(1, 0.5, 0, 1),
      threshold: 0,
      slots: 1,
      probabilityDraws: 10,
    };
    const a = decide(input, createRng(7), createDecisionScratch(2, D));
    const snapshot = { chosen: a.chosen, sampled: [...a.sampled], probability: [...a.probability], unscorable: a.unscorable };
    const b = decide(input, createRng(7), createDecisionScratch(2, D));
    expect({ chosen: b.chosen, sampled: [...b.sampled], probability: [...b.probability], unscorable: b.unscorable }).toEqual(snapshot);
    expect(snapshot.unscorable).toBe(0);
  });
});

describe('the guarded update never lets a non-finite number into a model', () => {
  it('is bit-identical to updatePosterior on batches within the limits', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(context, fc.double({ min: -50, max: 50, noNaN: true })), { minLength: 1, maxLength: 12 }),
        (linear, rows) => {
          const post = createPrior(linear ? DEFAULT_LINEAR_PRIOR : DEFAULT_LOGISTIC_PRIOR, D);
          const batch = batchOf(
            rows.map(([rest]) => [1, ...rest.map((v) => v / RAW_NUMERIC_CLIP)]),
            rows.map(([, y]) => (linear ? y : y > 0 ? 1 : 0)),
          );
          const guarded = updatePosteriorGuarded(post, batch);
          expect(guarded.refused).toBe(0);
          const plain = updatePosterior(post, batch);
          expect([...guarded.posterior.mean]).toEqual([...plain.mean]);
          expect([...guarded.posterior.cholPrecision]).toEqual([...plain.cholPrecision]);
          expect(guarded.posterior.b).toBe(plain.b);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps every model finite for extreme but finite contexts and rewards (property)', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(context, fc.double({ min: -1e300, max: 1e300, noNaN: true })), { minLength: 1, maxLength: 8 }),
        (linear, rows) => {
          const post = createPrior(linear ? DEFAULT_LINEAR_PRIOR : DEFAULT_LOGISTIC_PRIOR, D);
          const batch = batchOf(
            rows.map(([rest]) => [1, ...rest]),
            rows.map(([, y]) => (linear ? y : y > 0 ? 1 : 0)),
          );
          const { posterior, refused } = updatePosteriorGuarded(post, batch);
          expectAllFinite(posterior);
          expect(refused).toBeGreaterThanOrEqual(linear ? rows.filter(([, y]) => Math.abs(y) > MAX_ABS_REWARD).length : 0);
          expect(posterior.observations).toBe(rows.length - refused);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a reward of 1e200 (it made b infinite and every sd NaN) and learns the rest of the batch', () => {
    const post = createPrior(DEFAULT_LINEAR_PRIOR, 2);
    const poisoned = updatePosterior(post, batchOf([[1, 1]], [1e200]));
    expect(isFinitePosterior(poisoned)).toBe(false); // the failure the guard exists for
    const { posterior, refused } = updatePosteriorGuarded(post, batchOf([[1, 0], [1, 1], [1, 0]], [2, 1e200, 3]));
    expect(refused).toBe(1);
    expect(posterior.observations).toBe(2);
    expectAllFinite(posterior);
    const clean = updatePosterior(post, batchOf([[1, 0], [1, 0]], [2, 3]));
    expect([...posterior.mean]).toEqual([...clean.mean]);
  });

  it('refuses non-finite targets and contexts instead of throwing, and still checks the batch shape', () => {
    const post = createPrior(DEFAULT_LOGISTIC_PRIOR, 2);
    const { posterior, refused } = updatePosteriorGuarded(post, batchOf([[1, Number.NaN], [1, 1], [1, Infinity]], [1, 0, 1]));
    expect(refused).toBe(2);
    expect(posterior.observations).toBe(1);
    expect(() => updatePosteriorGuarded(post, batchOf([[1, 1, 1]], [1]))).toThrow(RangeError);
  });
});

describe('encoding within the limits', () => {
  it('clips a raw numeric feature into ±RAW_NUMERIC_CLIP, so 1e300 encodes finitely', () => {
    const enc = compileEncoder({ features: [{ name: 'balance', type: 'numeric' }], channels: [] });
    const x = new Float64Array(enc.dimension);
    for (const [value, expected] of [[1e300, RAW_NUMERIC_CLIP], [-Number.MAX_VALUE, -RAW_NUMERIC_CLIP], [12.5, 12.5]] as const) {
      expect(encodeContext(enc, { balance: value }, 'app', x).problems).toEqual([]);
      expect(x[1]).toBe(expected);
    }
  });

  it('a stored schema whose scale overflows encodes as missing, never NaN', () => {
    const enc = compileEncoder({ features: [{ name: 'v', type: 'numeric', mean: 0, std: 5e-324 }], channels: [] });
    const x = new Float64Array(enc.dimension);
    encodeContext(enc, { v: 0 }, 'app', x);
    expect(x[1]).toBe(0);
  });

  it('checkFeatureLimits names each field over a limit', () => {
    const features = [
      { name: 'n'.repeat(129), type: 'boolean' },
      { name: 'tier', type: 'categorical', values: Array.from({ length: 1025 }, (_, i) => `v${i}`) },
      { name: 'big', type: 'numeric', mean: 1e13, std: 1e-13 },
      { name: 'narrow', type: 'numeric', min: 0, max: 1e-13 },
    ];
    const fields = checkFeatureLimits(features).map((p) => p.field);
    expect(fields).toEqual(['features.0.name', 'features.1.values', 'features.2.mean', 'features.2.std', 'features.3.max']);
    expect(checkFeatureLimits(Array.from({ length: 513 }, (_, i) => ({ name: `f${i}`, type: 'boolean' })))[0]!.field).toBe('features');
  });

  it('sameSchema compares specs by value and order, not by key order', () => {
    const a: FeatureSpec[] = [{ name: 'age', type: 'numeric', min: 18, max: 90 }, { name: 'vip', type: 'boolean' }];
    const reordered = [{ max: 90, type: 'numeric', name: 'age', min: 18 }, { type: 'boolean', name: 'vip' }] as FeatureSpec[];
    expect(sameSchema({ features: a, channels: ['app'] }, { features: reordered, channels: ['app'] })).toBe(true);
    expect(sameSchema({ features: a, channels: ['app'] }, { features: [...a].reverse(), channels: ['app'] })).toBe(false);
    expect(sameSchema({ features: a, channels: ['app'] }, { features: a, channels: ['web'] })).toBe(false);
    expect(sameSchema({ features: a, channels: [] }, { features: [a[0]!, { name: 'vip', type: 'numeric' }], channels: [] })).toBe(false);
  });
});

describe('inverseFromCholesky', () => {
  it('inverts a diagonal factor (a fresh prior) to the bit like the general path', () => {
    const prior = createPrior(DEFAULT_LOGISTIC_PRIOR, 5);
    const fast = new Float64Array(25);
    inverseFromCholesky(prior.cholPrecision, 5, fast);
    // The same factor with a negligible off-diagonal entry takes the general path; its first column differs, the
    // rest of the diagonal must match exactly.
    const general = new Float64Array(25);
    const nudged = Float64Array.from(prior.cholPrecision);
    nudged[1 * 5 + 0] = 1e-300;
    inverseFromCholesky(nudged, 5, general);
    for (let i = 1; i < 5; i++) expect(fast[i * 5 + i]).toBe(general[i * 5 + i]);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) if (i !== j) expect(fast[i * 5 + j]).toBe(0);
  });
});
