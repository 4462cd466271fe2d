/**
 * A known-truth simulation of the lift estimator (DESIGN.md §9.1), shared by test/unit/measurement/lift-coverage.test.ts
 * and `npm run bench:lift`: each repetition simulates a log of one-slot opportunities, each in the control group with
 * probability `controlShare`, responding with its group's rate, a response worth a log-normal value; the log is
 * aggregated as the decision_counts triggers aggregate it (per opportunity: responses, responses², value, value²),
 * and the 95 % intervals of GET /v1/lift are checked against the true lifts.
 */
import { createRng } from '../../src/core/rng.js';
import type { Rng } from '../../src/core/types.js';
import { EMPTY_SUMS, liftOf, type GroupSums } from '../../src/measurement/lift.js';

export interface LiftScenario {
  /** Opportunities (decision requests) per repetition. */
  opportunities: number;
  controlShare: number;
  policyRate: number;
  controlRate: number;
  /** A response's value is exp(μ + σZ), Z standard normal; the policy offers more valuable actions. */
  policyValue: { mu: number; sigma: number };
  controlValue: { mu: number; sigma: number };
}

/** Policy 3 % vs control 2 %, control share 10 % of 50,000 opportunities (≈ 5,000 in control, ≈ 100 responses). */
export const LIFT_SCENARIO: LiftScenario = {
  opportunities: 50_000,
  controlShare: 0.1,
  policyRate: 0.03,
  controlRate: 0.02,
  policyValue: { mu: Math.log(100), sigma: 0.75 },
  controlValue: { mu: Math.log(80), sigma: 0.75 },
};

const logNormalMean = (v: { mu: number; sigma: number }) => Math.exp(v.mu + (v.sigma * v.sigma) / 2);

/** The true relative lifts of a scenario. */
export function trueLift(s: LiftScenario): { responseRate: number; valuePerOpportunity: number } {
  return {
    responseRate: s.policyRate / s.controlRate - 1,
    valuePerOpportunity: (s.policyRate * logNormalMean(s.policyValue)) / (s.controlRate * logNormalMean(s.controlValue)) - 1,
  };
}

/** Visits each simulated opportunity: its group and its value (null = no response). */
export function simulateLog(s: LiftScenario, rng: Rng, visit: (control: boolean, value: number | null) => void): void {
  for (let i = 0; i < s.opportunities; i++) {
    const control = rng.nextFloat() < s.controlShare;
    const responded = rng.nextFloat() < (control ? s.controlRate : s.policyRate);
    if (!responded) {
      visit(control, null);
      continue;
    }
    const v = control ? s.controlValue : s.policyValue;
    visit(control, Math.exp(v.mu + v.sigma * rng.nextNormal()));
  }
}

/** One repetition's sums per group, as the triggers keep them (every opportunity is an activated contact). */
export function simulateSums(s: LiftScenario, rng: Rng): { policy: GroupSums; control: GroupSums } {
  const policy = { ...EMPTY_SUMS };
  const control = { ...EMPTY_SUMS };
  simulateLog(s, rng, (inControl, value) => {
    const g = inControl ? control : policy;
    g.opportunities += 1;
    g.contacts += 1;
    if (value === null) return;
    g.responses += 1;
    g.responsesSq += 1;
    g.value += value;
    g.valueSq += value * value;
  });
  return { policy, control };
}

export interface CoverageFigure {
  /** Share of repetitions whose 95 % interval held the true lift. */
  coverage: number;
  /** Misses below and above: a symmetric interval on a skewed ratio misses more on one side. */
  missedLow: number;
  missedHigh: number;
  meanEstimate: number;
  truth: number;
}

export interface CoverageReport {
  repetitions: number;
  seed: number;
  scenario: LiftScenario;
  responseRate: CoverageFigure;
  valuePerOpportunity: CoverageFigure;
}

/** Runs `repetitions` independent simulated logs from one seed and reports how often each interval covered the truth. */
export function liftCoverage(s: LiftScenario, repetitions: number, seed: number): CoverageReport {
  const rng = createRng(seed);
  const truth = trueLift(s);
  const tally = () => ({ covered: 0, low: 0, high: 0, sum: 0, counted: 0 });
  const t = { responseRate: tally(), valuePerOpportunity: tally() };
  for (let r = 0; r < repetitions; r++) {
    const { policy, control } = simulateSums(s, rng);
    const lift = liftOf(policy, control);
    for (const key of ['responseRate', 'valuePerOpportunity'] as const) {
      const { estimate, ci95 } = lift[key];
      const k = t[key];
      if (estimate === null || ci95 === null) continue; // counted as a miss: coverage is over every repetition
      k.counted += 1;
      k.sum += estimate;
      if (truth[key] < ci95[0]) k.low += 1;
      else if (truth[key] > ci95[1]) k.high += 1;
      else k.covered += 1;
    }
  }
  const figure = (key: 'responseRate' | 'valuePerOpportunity'): CoverageFigure => ({
    coverage: t[key].covered / repetitions,
    missedLow: t[key].low / repetitions,
    missedHigh: t[key].high / repetitions,
    meanEstimate: t[key].counted > 0 ? t[key].sum / t[key].counted : Number.NaN,
    truth: truth[key],
  });
  return { repetitions, seed, scenario: s, responseRate: figure('responseRate'), valuePerOpportunity: figure('valuePerOpportunity') };
}
