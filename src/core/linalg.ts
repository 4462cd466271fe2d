/**
 * Dense linear algebra on symmetric positive definite matrices, Float64Array only, no allocation (every
 * buffer is passed in). Matrices are d×d row-major: element (i, j) at i*d + j. L is always the LOWER Cholesky
 * factor (A = L Lᵀ, positive diagonal); its strictly upper triangle is kept at zero.
 *
 * Reference: Golub & Van Loan, "Matrix Computations" (4th ed.), §4.2 (Cholesky), §3.1 (triangular systems),
 * §6.5.4 (rank-one modification of a Cholesky factor).
 */

/**
 * Lower Cholesky factor of the symmetric matrix `a` into `out` (Cholesky–Banachiewicz, row by row).
 * Reads only the lower triangle of `a`; `out` may be `a` itself. Returns false (leaving `out` partly
 * written) when `a` is not numerically positive definite.
 */
export function cholesky(a: Float64Array, d: number, out: Float64Array): boolean {
  for (let i = 0; i < d; i++) {
    const rowI = i * d;
    for (let j = 0; j <= i; j++) {
      const rowJ = j * d;
      let sum = a[rowI + j]!;
      for (let k = 0; k < j; k++) sum -= out[rowI + k]! * out[rowJ + k]!;
      if (i === j) {
        // `!(sum > 0)` also rejects NaN.
        if (!(sum > 0)) return false;
        out[rowI + i] = Math.sqrt(sum);
      } else {
        out[rowI + j] = sum / out[rowJ + j]!;
      }
    }
    for (let j = i + 1; j < d; j++) out[rowI + j] = 0;
  }
  return true;
}

/** Solves L y = b for y (forward substitution). `out` may alias `b`. */
export function forwardSubstitute(L: Float64Array, d: number, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < d; i++) {
    const row = i * d;
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= L[row + k]! * out[k]!;
    out[i] = sum / L[row + i]!;
  }
}

/**
 * Solves Lᵀ x = y for x (back substitution with the transpose, without forming it). Column-oriented so that
 * L is read along its rows. `out` may alias `y`.
 */
export function backSubstituteTranspose(L: Float64Array, d: number, y: Float64Array, out: Float64Array): void {
  if (out !== y) for (let i = 0; i < d; i++) out[i] = y[i]!;
  for (let i = d - 1; i >= 0; i--) {
    const row = i * d;
    const xi = out[i]! / L[row + i]!;
    out[i] = xi;
    for (let k = 0; k < i; k++) out[k] = out[k]! - L[row + k]! * xi;
  }
}

/** Solves (L Lᵀ) x = b into `out`, using `work` (length ≥ d) for the intermediate L⁻¹b. */
export function choleskySolve(L: Float64Array, d: number, b: Float64Array, out: Float64Array, work: Float64Array): void {
  forwardSubstitute(L, d, b, work);
  backSubstituteTranspose(L, d, work, out);
}

/**
 * In place: L becomes the Cholesky factor of L Lᵀ + v vᵀ (Golub & Van Loan §6.5.4; the classic
 * Givens-style sweep, O(d²)). `v` is left untouched — it is copied into `work` (length ≥ d), which is clobbered.
 */
export function cholRankOneUpdate(L: Float64Array, d: number, v: Float64Array, work: Float64Array): void {
  for (let i = 0; i < d; i++) work[i] = v[i]!;
  for (let k = 0; k < d; k++) {
    const kk = k * d + k;
    const lkk = L[kk]!;
    const wk = work[k]!;
    if (wk === 0) continue; // nothing left to rotate into this column
    const r = Math.sqrt(lkk * lkk + wk * wk);
    const c = r / lkk;
    const s = wk / lkk;
    L[kk] = r;
    for (let i = k + 1; i < d; i++) {
      const ik = i * d + k;
      const lik = (L[ik]! + s * work[i]!) / c;
      L[ik] = lik;
      work[i] = c * work[i]! - s * lik;
    }
  }
}

/**
 * Diagonal of (L Lᵀ)⁻¹ into `out` (length d): entry j is ‖L⁻¹ e_j‖², computed by one forward substitution
 * per column that starts at row j (L⁻¹ is lower triangular). O(d³/3). Allocates one length-d vector;
 * meant for statistics, not for the decision path.
 */
export function diagOfInverse(L: Float64Array, d: number, out: Float64Array): void {
  const y = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    y[j] = 1 / L[j * d + j]!;
    let total = y[j]! * y[j]!;
    for (let i = j + 1; i < d; i++) {
      const row = i * d;
      let sum = 0;
      for (let k = j; k < i; k++) sum -= L[row + k]! * y[k]!;
      const yi = sum / L[row + i]!;
      y[i] = yi;
      total += yi * yi;
    }
    out[j] = total;
  }
}

/** xᵀ (L Lᵀ)⁻¹ x = ‖L⁻¹x‖², in O(d²) with one forward substitution into `work` (length ≥ d). */
export function quadFormInverse(L: Float64Array, d: number, x: Float64Array, work: Float64Array): number {
  let total = 0;
  for (let i = 0; i < d; i++) {
    const row = i * d;
    let sum = x[i]!;
    for (let k = 0; k < i; k++) sum -= L[row + k]! * work[k]!;
    const yi = sum / L[row + i]!;
    work[i] = yi;
    total += yi * yi;
  }
  return total;
}

/**
 * The full inverse (LLᵀ)⁻¹ = L⁻ᵀL⁻¹ into `out` (d×d row-major, symmetric), column by column: solve L y = eⱼ, then
 * Lᵀ z = y. O(d³); used once per model install so that each decision can score a sparse context in O(nnz²).
 */
export function inverseFromCholesky(L: Float64Array, d: number, out: Float64Array): void {
  if (isDiagonal(L, d)) {
    // A fresh model's prior: O(d²) instead of O(d³), so the first decision after a schema change stays cheap.
    // (1/Lᵢᵢ)/Lᵢᵢ is what the two substitutions below compute for a diagonal L, to the bit.
    out.fill(0, 0, d * d);
    for (let i = 0; i < d; i++) out[i * d + i] = 1 / L[i * d + i]! / L[i * d + i]!;
    return;
  }
  const y = new Float64Array(d);
  const z = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    // L y = eⱼ: y is 0 above row j, so the substitution starts there (a third of the flops of a full one; the values
    // are the same to the bit, since the skipped terms only ever added zeros).
    y.fill(0, 0, j);
    for (let i = j; i < d; i++) {
      const row = i * d;
      let sum = i === j ? 1 : 0;
      for (let k = j; k < i; k++) sum -= L[row + k]! * y[k]!;
      y[i] = sum / L[row + i]!;
    }
    backSubstituteTranspose(L, d, y, z);
    for (let i = 0; i < d; i++) out[i * d + j] = z[i]!;
  }
  // Exact symmetry (rounding can differ in the last bit between (i, j) and (j, i)).
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const s = 0.5 * (out[i * d + j]! + out[j * d + i]!);
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
}

/** Whether the strictly lower triangle of L (d×d row-major) is all zero. */
function isDiagonal(L: Float64Array, d: number): boolean {
  for (let i = 1; i < d; i++) {
    const row = i * d;
    for (let j = 0; j < i; j++) if (L[row + j] !== 0) return false;
  }
  return true;
}
