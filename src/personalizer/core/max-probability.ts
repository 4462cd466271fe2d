/**
 * Every candidate's probability of being the argmax of correlated Normal scores, all at once:
 *   zᵢ = mᵢ + sᵢ·(√ρ·max(0, w) + √(1−ρ)·uᵢ),  w, uᵢ iid N(0, 1)   (thompson.ts's draw rule),
 *   P(i) = E_c ∫ fᵢ(z | c) Πⱼ≠ᵢ Fⱼ(z | c) dz,  given c = √ρ·max(0, w) the zⱼ are independent N(mⱼ + sⱼc, sⱼ²(1−ρ)).
 *
 * Why not `chosenProbability` (src/core/selection-probability.ts) once per candidate: it integrates over candidate i's
 * own deviate, so all k candidates cost k × (k − 1) CDFs per node and pass, and its tail refinement (built for the one
 * chosen action of a decision, whose probability must be right down to 1e-8) runs many passes for the many unlikely
 * candidates of a warm catalog: bench:personalizer-rank measured 77 µs at k = 10 and 1.3 ms at k = 50 (ρ = 0, warm),
 * 460 µs and 6.4 ms at ρ = 0.9. Here one grid in z serves every candidate: at each node all k CDFs and densities are
 * evaluated once and the leave-one-out products Πⱼ≠ᵢ Fⱼ come from prefix and suffix products, so a shared value costs
 * O(k × nodes). The grid is uniform over [L, U] with L = maxⱼ(μⱼ − 7σⱼ) (below it some candidate is above z with
 * probability 1 − Φ(−6.5) ≈ 1 − 4e-11, so the max is not there) and U = maxⱼ(μⱼ + 6.5σⱼ), its step a quarter of the
 * narrowest relevant σ, so every density is resolved, and composite Simpson weights (error O(h⁴): ~1e-7 at h = σ/4
 * for a Gaussian). The shared value: the atom at 0 (mass ½) and a Gauss rule of SHARED_NODES points for the half-normal
 * (half-normal-rule.ts), as the quadrature of selection-probability.ts uses; none at ρ = 0.
 *
 * Returns undefined when the grid would need more than MAX_NODES nodes (a candidate whose score is far narrower than
 * the spread of the others, or a score with no spread): the caller then uses the per-candidate quadrature.
 */
import { halfNormalGauss } from '../../core/half-normal-rule.js';
import { normalCdfFast } from '../../core/selection-probability.js';

/** Points of the shared value's half-normal part (selection-probability.ts's SHARED_POINTS). */
export const SHARED_NODES = 6;
/** The grid's reach, in conditional sds beyond the extreme centres. */
const REACH = 6.5;
/** Grid steps per narrowest relevant sd. */
const STEPS_PER_SD = 4;
/** Beyond this many nodes per shared value the grid gives way to the per-candidate quadrature. */
export const MAX_NODES = 4096;

const GAUSS = halfNormalGauss(SHARED_NODES);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

let centre = new Float64Array(0);
let spread = new Float64Array(0);
let cdf = new Float64Array(0);
let density = new Float64Array(0);
let prefix = new Float64Array(0);

function grow(k: number): void {
  if (centre.length >= k) return;
  const n = Math.max(k, 64);
  centre = new Float64Array(n);
  spread = new Float64Array(n);
  cdf = new Float64Array(n);
  density = new Float64Array(n);
  prefix = new Float64Array(n + 1);
}

/** P(i is the argmax | c) for every i, added to `out` with weight `weight`; false when the grid is too fine. */
function conditional(k: number, means: Float64Array, sds: Float64Array, shift: number, own: number, weight: number, out: Float64Array): boolean {
  let lo = -Infinity;
  let hi = -Infinity;
  for (let j = 0; j < k; j++) {
    centre[j] = means[j]! + sds[j]! * shift;
    spread[j] = sds[j]! * own;
    if (!(spread[j]! > 0)) return false;
    lo = Math.max(lo, centre[j]! - REACH * spread[j]!);
    hi = Math.max(hi, centre[j]! + REACH * spread[j]!);
  }
  let narrowest = Infinity;
  for (let j = 0; j < k; j++) if (centre[j]! + REACH * spread[j]! > lo) narrowest = Math.min(narrowest, spread[j]!);
  let nodes = Math.ceil(((hi - lo) / narrowest) * STEPS_PER_SD);
  if (nodes % 2 === 1) nodes++;
  if (!(nodes <= MAX_NODES)) return false;
  nodes = Math.max(nodes, 2);
  const h = (hi - lo) / nodes;
  for (let g = 0; g <= nodes; g++) {
    const z = lo + g * h;
    const simpson = g === 0 || g === nodes ? 1 : g % 2 === 1 ? 4 : 2;
    const w = (weight * simpson * h) / 3;
    prefix[0] = 1;
    let zeros = 0;
    for (let j = 0; j < k; j++) {
      const t = (z - centre[j]!) / spread[j]!;
      cdf[j] = normalCdfFast(t);
      density[j] = t > -9 && t < 9 ? (INV_SQRT_2PI / spread[j]!) * Math.exp(-0.5 * t * t) : 0;
      prefix[j + 1] = prefix[j]! * cdf[j]!;
      if (cdf[j] === 0) zeros++;
    }
    if (zeros > 1) continue; // two candidates surely above z: nobody's leave-one-out product survives
    let suffix = 1;
    for (let i = k - 1; i >= 0; i--) {
      if (density[i]! > 0) out[i] = out[i]! + w * density[i]! * prefix[i]! * suffix;
      suffix *= cdf[i]!;
    }
  }
  return true;
}

/**
 * P(i is the argmax) for i < k into `out` (unnormalised: the sum is 1 to the grid's error), or undefined when the
 * grid is too fine for some shared value (see the file comment). ρ in [0, 1).
 */
export function argmaxProbabilities(k: number, means: Float64Array, sds: Float64Array, rho: number, out: Float64Array): Float64Array | undefined {
  grow(k);
  out.fill(0, 0, k);
  let identical = true;
  for (let j = 1; j < k && identical; j++) identical = means[j] === means[0] && sds[j] === sds[0];
  if (identical) {
    // A cold catalog (every candidate at the same prior): exchangeable, so exactly 1/k each.
    out.fill(1 / k, 0, k);
    return out;
  }
  const own = Math.sqrt(1 - rho);
  const common = Math.sqrt(rho);
  if (!conditional(k, means, sds, 0, own, rho > 0 ? 0.5 : 1, out)) return undefined;
  if (rho > 0) {
    for (let q = 0; q < SHARED_NODES; q++) {
      if (!conditional(k, means, sds, common * GAUSS.nodes[q]!, own, 0.5 * GAUSS.weights[q]!, out)) return undefined;
    }
  }
  return out;
}
