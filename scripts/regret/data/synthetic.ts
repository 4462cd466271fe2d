/**
 * synthetic-logistic (data/synthetic-logistic/README.md): K = 10 arms, 16 binary features, Bernoulli rewards with
 * known truth p_a(x) = σ(θ_a·x − 3). Regret is expected regret, Σ_t max_a p_a(t) − p_chosen(t).
 */
import type { FeatureSpec } from '../../../src/core/encoding.js';
import type { BanditProblem } from '../problem.js';
import { encodeRows, readLines, rowView } from './encode.js';

export interface SyntheticData {
  rounds: number;
  /** Number of raw binary features. */
  features: number;
  k: number;
  /** rounds × features, 0/1. */
  x: Uint8Array;
  /** rounds × k true response probabilities. */
  p: Float64Array;
  /** rounds × k sampled 0/1 rewards. */
  r: Uint8Array;
}

/** Reads `synthetic-logistic/synthetic.csv` (columns round, x0.., p_0.., r_0..). */
export function loadSynthetic(dataDir: string): SyntheticData {
  const [header, ...lines] = readLines(dataDir, 'synthetic-logistic', 'synthetic.csv');
  const columns = header!.split(',');
  const xCols = columns.flatMap((c, i) => (/^x\d+$/.test(c) ? [i] : []));
  const pCols = columns.flatMap((c, i) => (/^p_\d+$/.test(c) ? [i] : []));
  const rCols = columns.flatMap((c, i) => (/^r_\d+$/.test(c) ? [i] : []));
  if (pCols.length === 0 || pCols.length !== rCols.length) throw new Error('synthetic.csv: p_* and r_* columns do not match');
  const rounds = lines.length;
  const features = xCols.length;
  const k = pCols.length;
  const x = new Uint8Array(rounds * features);
  const p = new Float64Array(rounds * k);
  const r = new Uint8Array(rounds * k);
  lines.forEach((line, t) => {
    const cells = line.split(',');
    xCols.forEach((c, j) => (x[t * features + j] = Number(cells[c])));
    pCols.forEach((c, a) => (p[t * k + a] = Number(cells[c])));
    rCols.forEach((c, a) => (r[t * k + a] = Number(cells[c])));
  });
  return { rounds, features, k, x, p, r };
}

/**
 * The drift variant: from round `changeAt` on, arm a takes the truth (probabilities and reward draws) of arm
 * perm[a]. Contexts are unchanged, so only the arms' behaviour moves.
 */
export function withDrift(data: SyntheticData, changeAt: number, perm: readonly number[]): SyntheticData {
  if (perm.length !== data.k || new Set(perm).size !== data.k) throw new RangeError('perm must be a permutation of the arms');
  const p = Float64Array.from(data.p);
  const r = Uint8Array.from(data.r);
  for (let t = changeAt; t < data.rounds; t += 1) {
    for (let a = 0; a < data.k; a += 1) {
      p[t * data.k + a] = data.p[t * data.k + perm[a]!]!;
      r[t * data.k + a] = data.r[t * data.k + perm[a]!]!;
    }
  }
  return { ...data, p, r };
}

/** The first `rounds` rounds as a bandit problem; contexts as 16 boolean features (d = 17 with the bias). */
export function syntheticProblem(data: SyntheticData, rounds = data.rounds): BanditProblem {
  const n = Math.min(rounds, data.rounds);
  const features: FeatureSpec[] = Array.from({ length: data.features }, (_, j) => ({ name: `x${j}`, type: 'boolean' }));
  const contexts = Array.from({ length: n }, (_, t) => {
    const record: Record<string, unknown> = {};
    for (let j = 0; j < data.features; j += 1) record[`x${j}`] = data.x[t * data.features + j] === 1;
    return record;
  });
  const encoded = encodeRows(features, contexts);
  const best = new Float64Array(n);
  for (let t = 0; t < n; t += 1) {
    let m = -Infinity;
    for (let a = 0; a < data.k; a += 1) m = Math.max(m, data.p[t * data.k + a]!);
    best[t] = m;
  }
  return {
    name: 'synthetic-logistic',
    k: data.k,
    d: encoded.d,
    likelihood: 'logistic',
    rounds: n,
    context: (t) => rowView(encoded, t),
    reward: (t, arm) => data.r[t * data.k + arm]!,
    regret: (t, arm) => best[t]! - data.p[t * data.k + arm]!,
  };
}
