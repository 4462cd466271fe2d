/**
 * policy-replay.ts: the doubly robust direct term Σₐ π(a|x)·q̂(a, x) is drawn by thompson.ts `decide` under the
 * candidate's rule and correlation, so its mean over many rows is the exact Σₐ π(a)q̂(a) the quadrature gives.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { createScoreScratch, PolicyReplay, type ScoredRow } from '../../../src/evaluation/policy-replay.js';

const D = 4;
const SETTINGS = { priorRate: 0.3, drawCorrelation: 0.6, minPriority: 0.1, forgettingHalfLife: 0, changeDetection: false };
const ACTIONS = [1, 2, 3].map((value, a) => ({ id: `a${a}`, value, lever: 1, likelihood: 'logistic' as const, mandatory: false }));

describe('PolicyReplay direct term', () => {
  it('averages to the exact Σ π(a)·q(a) under thresholds and a contact cost', () => {
    const replay = new PolicyReplay(SETTINGS, ACTIONS, D);
    const scratch = createScoreScratch(ACTIONS.length, D);
    const x = Float64Array.from([1, 1, 0, 0]);
    const rule = { propensityThreshold: 0.2, priorityThreshold: null, contactCost: 0.9 };
    const row = (logged: number): ScoredRow => ({ x, candidates: [0, 1, 2], logged, rule });
    const rng = createRng(7);
    let exact = 0;
    for (let c = 0; c < ACTIONS.length; c++) {
      replay.moments(row(c), scratch);
      exact += replay.score(row(c), scratch, rng).probability * scratch.q[c]!;
    }
    replay.moments(row(-1), scratch);
    const n = 3000;
    let sum = 0;
    let sumSq = 0;
    for (let t = 0; t < n; t++) {
      const { direct } = replay.score(row(-1), scratch, rng);
      sum += direct;
      sumSq += direct * direct;
    }
    const mean = sum / n;
    const se = Math.sqrt((sumSq / n - mean * mean) / n);
    expect(se).toBeGreaterThan(0);
    expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
  });
});
