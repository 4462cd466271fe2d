/**
 * The progressive replay (src/evaluation/replay.ts) on in-memory logs: the logged and uniform rows' closed forms, which
 * rows are skipped and why, and that a policy learns a decision's outcome only after scoring it.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { createReplay } from '../../../src/evaluation/replay.js';
import type { LoggedDecision, ReplaySetup } from '../../../src/evaluation/types.js';

const D = 6;
const IDS = ['a', 'b', 'c'];
const BASE = { priorRate: 0.05, drawCorrelation: 0.9, minPriority: 0, forgettingHalfLife: 0, changeDetection: false };

function setup(overrides: Partial<ReplaySetup> = {}): ReplaySetup {
  return {
    dimension: D,
    schemaVersion: 1,
    actions: IDS.map((id) => ({ id, value: 2, lever: 1, likelihood: 'logistic' as const, mandatory: false })),
    channels: {},
    defaultRule: { propensityThreshold: Number.NEGATIVE_INFINITY, priorityThreshold: null, contactCost: undefined },
    historyIgnoresSlot: null,
    learnerIntervalMs: 0, // a batch per decision
    learnerBatchRows: 1,
    baseline: BASE,
    policies: [{ name: 'cold', settings: { ...BASE, priorRate: 0.3 } }],
    seed: 1,
    ...overrides,
  };
}

/** A uniform-random logged policy over a, b, c (μ = 1/3), responses where x's slot of the arm is on. */
function uniformLog(n: number, seed = 3): LoggedDecision[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, t) => {
    const x = new Float64Array(D);
    x[0] = 1;
    x[1 + rng.nextInt(D - 1)] = 1;
    const a = rng.nextInt(3);
    const response = x[1 + a] === 1 || rng.nextFloat() < 0.1;
    return {
      id: `d${String(t).padStart(5, '0')}`,
      createdAt: 1_000 + t,
      channel: 'app',
      schemaVersion: 1,
      x,
      status: 'closed' as const,
      offered: 1,
      value: response ? 2 : 0,
      topAction: IDS[a]!,
      topProbability: 1 / 3,
      noActionProbability: 0,
      candidates: IDS,
      outcomes: [{ actionId: IDS[a]!, outcome: response ? ('response' as const) : ('ignore' as const), reward: null, recentIgnores: 0 }],
    };
  });
}

function run(rows: LoggedDecision[], s = setup()) {
  const replay = createReplay(s);
  replay.add(rows);
  return replay.finish();
}

const value = (o: ReturnType<typeof run>, policy: string, estimator: string) => o.results.find((r) => r.policy === policy && r.estimator === estimator)!;

describe('progressive replay', () => {
  it('gives the logged row the on-policy mean and, under a uniform logger, the uniform row the same (w = 1)', () => {
    const rows = uniformLog(200);
    const o = run(rows);
    const mean = rows.reduce((s, r) => s + r.value, 0) / rows.length;
    for (const e of ['ips', 'snips', 'dr']) expect(value(o, 'logged', e).value).toBeCloseTo(mean, 12);
    expect(value(o, 'uniform', 'ips').value).toBeCloseTo(mean, 12);
    expect(value(o, 'uniform', 'snips').value).toBeCloseTo(mean, 12);
    expect(value(o, 'uniform', 'ips').effectiveSampleSize).toBeCloseTo(200, 9);
    expect(o.evaluated).toBe(200);
    // A learning candidate finds the arm whose slot is on: better than uniform.
    expect(value(o, 'cold', 'dr').value!).toBeGreaterThan(mean);
  });

  it('a one-slot decision whose outcome is in is complete before the expirer closes it', () => {
    const rows = uniformLog(10);
    const open = rows.map((r) => ({ ...r, status: 'pending' as const }));
    const closed = run(rows, setup()).evaluated;
    expect(closed).toBeGreaterThan(0);
    expect(run(open, setup()).evaluated).toBe(closed);
    // Without its outcome it is still pending.
    expect(run(open.map((r) => ({ ...r, outcomes: [] })), setup()).skipped.pending).toBeGreaterThan(0);
  });

  it('skips pending, multi-slot and unsupported rows, counting each', () => {
    const rows = uniformLog(10);
    rows[1] = { ...rows[1]!, status: 'pending', outcomes: [] };
    rows[2] = { ...rows[2]!, offered: 2 };
    rows[3] = { ...rows[3]!, candidates: ['a', 'ghost'] };
    rows[4] = { ...rows[4]!, schemaVersion: 2 };
    rows[5] = { ...rows[5]!, candidates: null };
    const o = run(rows, setup({ actions: [...setup().actions.slice(0, 2), { id: 'c', value: 2, lever: 1, likelihood: 'linear', mandatory: false }] }));
    // c is linear now: every row whose candidates hold it is unsupported too.
    expect(o.skipped.pending).toBe(1);
    expect(o.skipped.multiSlot).toBe(1);
    expect(o.skipped.unsupported).toBe(10 - 2);
    expect(o.evaluated).toBe(0);
    expect(value(o, 'cold', 'ips').value).toBeNull();
  });

  it('learns a decision’s outcome only after scoring it: the last row’s outcome changes nothing, an earlier one does', () => {
    const rows = uniformLog(60);
    const base = run(rows);
    const flip = (r: LoggedDecision): LoggedDecision => ({ ...r, outcomes: r.outcomes.map((o) => ({ ...o, outcome: o.outcome === 'response' ? 'ignore' : 'response' })) });
    const lastFlipped = run([...rows.slice(0, -1), flip(rows[rows.length - 1]!)]);
    expect(lastFlipped.results).toEqual(base.results);
    const earlyFlipped = run([...rows.slice(0, 10), flip(rows[10]!), ...rows.slice(11)]);
    expect(value(earlyFlipped, 'cold', 'dr').value).not.toBe(value(base, 'cold', 'dr').value);
  });

  it('refuses a row whose logged probability is 0 or missing instead of weighting it', () => {
    const rows = uniformLog(5);
    rows[2] = { ...rows[2]!, topProbability: 0 };
    expect(() => run(rows)).toThrow(/d00002/);
  });
});
