/**
 * The Personalizer ranker's cost (src/personalizer/core/ranker.ts): rankCandidates — score moments, every candidate's
 * exact selection probability by quadrature, one draw — at d = 65 (64 hashed slots and the bias) with 20 active
 * context slots, k = 10 and 50 candidates, cold (every candidate at the prior: identical, integrated as twins) and
 * warm (200 rewards each, all distinct), at ρ = RANK_CORRELATION and at ρ = 0, with kept covariances (as the service
 * scores). Prints a table and one JSON line.
 *
 *   npm run bench:personalizer-rank -- [--min-seconds 0.5]
 */
import { parseArgs } from 'node:util';
import { inverseFromCholesky } from '../src/core/linalg.js';
import { updateLinear } from '../src/core/linear.js';
import { createPrior } from '../src/core/prior.js';
import { createRng } from '../src/core/rng.js';
import type { Posterior, Rng } from '../src/core/types.js';
import { PERSONALIZER_PRIOR } from '../src/personalizer/core/prior.js';
import { rankCandidates } from '../src/personalizer/core/ranker.js';
import { PERSONALIZER_DIMENSION } from '../src/personalizer/types.js';

const { values } = parseArgs({ options: { 'min-seconds': { type: 'string', default: '0.5' } } });
const minSeconds = Number(values['min-seconds']);
const D = PERSONALIZER_DIMENSION;
const ACTIVE = 20;

function context(rng: Rng, x: Float64Array): void {
  x.fill(0);
  x[0] = 1;
  for (let t = 0; t < ACTIVE; t++) x[1 + rng.nextInt(D - 1)] = 1;
}

function warmPosterior(rng: Rng, n: number): Posterior {
  let post = createPrior(PERSONALIZER_PRIOR, D);
  const x = new Float64Array(D * n);
  const y = new Float64Array(n);
  const one = new Float64Array(D);
  const rate = 0.2 + 0.6 * rng.nextFloat();
  for (let i = 0; i < n; i++) {
    context(rng, one);
    x.set(one, i * D);
    y[i] = rng.nextFloat() < rate ? 1 : 0;
  }
  post = updateLinear(post, { n, d: D, x, y });
  return post;
}

interface Row {
  k: number;
  catalog: string;
  correlation: number;
  method: string;
  microseconds: number;
  calls: number;
}

const rng = createRng(12);
const rows: Row[] = [];
for (const k of [10, 50]) {
  for (const catalog of ['cold', 'warm'] as const) {
    const posteriors = Array.from({ length: k }, () => (catalog === 'cold' ? createPrior(PERSONALIZER_PRIOR, D) : warmPosterior(rng, 200)));
    const covariances = posteriors.map((p) => {
      const cov = new Float64Array(D * D);
      inverseFromCholesky(p.cholPrecision, D, cov);
      return cov;
    });
    const contexts = Array.from({ length: 64 }, () => {
      const x = new Float64Array(D);
      context(rng, x);
      return x;
    });
    for (const [correlation, method] of [[0.9, 'grid'], [0, 'grid'], [0.9, 'quadrature'], [0, 'quadrature']] as const) {
      let calls = 0;
      let sink = 0;
      // Warm-up, then timed rounds of 64 calls until minSeconds have passed (bounded: at most 10⁶ calls).
      for (let w = 0; w < 64; w++) sink += rankCandidates({ posteriors, covariances, x: contexts[w]!, explorationPercentage: 0.2, correlation, method }, rng).chosen;
      const start = process.hrtime.bigint();
      let elapsed = 0;
      while (elapsed < minSeconds && calls < 1_000_000) {
        for (const x of contexts) sink += rankCandidates({ posteriors, covariances, x, explorationPercentage: 0.2, correlation, method }, rng).chosen;
        calls += contexts.length;
        elapsed = Number(process.hrtime.bigint() - start) / 1e9;
      }
      if (sink < 0) console.log(sink);
      rows.push({ k, catalog, correlation, method, microseconds: (elapsed * 1e6) / calls, calls });
    }
  }
}
console.log('k   catalog  ρ     method      µs/rank   calls');
for (const r of rows) console.log(`${String(r.k).padEnd(3)} ${r.catalog.padEnd(8)} ${r.correlation.toFixed(2)}  ${r.method.padEnd(10)} ${r.microseconds.toFixed(1).padStart(8)}  ${r.calls}`);
console.log(JSON.stringify({ bench: 'personalizer-rank', d: D, activeSlots: ACTIVE, rows }));
