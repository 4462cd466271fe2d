/**
 * Gauss quadrature for the half-normal: nodes xₖ and weights wₖ with Σ wₖ g(xₖ) ≈ E g(|N(0, 1)|), exact for
 * polynomials of degree < 2n. The selection probability's outer integral is over the shared deviate's continuous
 * half; its integrand can rise steeply with the deviate (an action with a wide posterior gains from a high shared
 * draw), where equiprobable strata put one midpoint on the whole top sixth of the range and were 10 % low for such
 * actions at ρ = 0.9. Built once: the recurrence coefficients by the Stieltjes procedure on a fine discretisation,
 * then the Golub–Welsch eigenproblem of the Jacobi matrix (cyclic Jacobi rotations: n is small).
 */

/** The discretisation: midpoints on [0, HALF_NORMAL_RANGE]; the density beyond is below 1e-21. */
const HALF_NORMAL_RANGE = 10;
const HALF_NORMAL_CELLS = 20_000;

export function halfNormalGauss(n: number): { nodes: Float64Array; weights: Float64Array } {
  const h = HALF_NORMAL_RANGE / HALF_NORMAL_CELLS;
  const x = Float64Array.from({ length: HALF_NORMAL_CELLS }, (_, c) => (c + 0.5) * h);
  const mass = Float64Array.from(x, (v) => Math.exp(-0.5 * v * v));
  let total = 0;
  for (const m of mass) total += m;
  for (let c = 0; c < mass.length; c++) mass[c] = mass[c]! / total;
  // Stieltjes: orthogonal polynomials p₋₁ = 0, p₀ = 1, pₖ₊₁ = (x − αₖ)pₖ − βₖpₖ₋₁ on the discrete measure.
  const alpha = new Float64Array(n);
  const beta = new Float64Array(n);
  let previous = new Float64Array(x.length);
  let current = new Float64Array(x.length).fill(1);
  let norm = 1;
  for (let k = 0; k < n; k++) {
    let moment = 0;
    for (let c = 0; c < x.length; c++) moment += mass[c]! * x[c]! * current[c]! * current[c]!;
    alpha[k] = moment / norm;
    const next = new Float64Array(x.length);
    for (let c = 0; c < x.length; c++) next[c] = (x[c]! - alpha[k]!) * current[c]! - (k > 0 ? beta[k]! : 0) * previous[c]!;
    let nextNorm = 0;
    for (let c = 0; c < x.length; c++) nextNorm += mass[c]! * next[c]! * next[c]!;
    if (k + 1 < n) beta[k + 1] = nextNorm / norm;
    previous = current;
    current = next;
    norm = nextNorm;
  }
  // Jacobi matrix J (α on the diagonal, √β off it): nodes are its eigenvalues, weights the squared first components.
  const a = Array.from({ length: n }, (_, r) => Float64Array.from({ length: n }, (_, c) => (r === c ? alpha[r]! : Math.abs(r - c) === 1 ? Math.sqrt(beta[Math.max(r, c)]!) : 0)));
  const v = Array.from({ length: n }, (_, r) => Float64Array.from({ length: n }, (_, c) => (r === c ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p]![q] === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * a[p]![q]!);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(t * t + 1);
        const sin = t * cos;
        for (let r = 0; r < n; r++) {
          const arp = a[r]![p]!;
          const arq = a[r]![q]!;
          a[r]![p] = cos * arp - sin * arq;
          a[r]![q] = sin * arp + cos * arq;
        }
        for (let r = 0; r < n; r++) {
          const apr = a[p]![r]!;
          const aqr = a[q]![r]!;
          a[p]![r] = cos * apr - sin * aqr;
          a[q]![r] = sin * apr + cos * aqr;
        }
        for (let r = 0; r < n; r++) {
          const vrp = v[r]![p]!;
          const vrq = v[r]![q]!;
          v[r]![p] = cos * vrp - sin * vrq;
          v[r]![q] = sin * vrp + cos * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((p, q) => a[p]![p]! - a[q]![q]!);
  return { nodes: Float64Array.from(order, (k) => a[k]![k]!), weights: Float64Array.from(order, (k) => v[0]![k]! ** 2) };
}
