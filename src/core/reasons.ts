/**
 * Reasons for an offer (DESIGN.md §8.5): the features that pushed its score xᵀμ most, each as its signed
 * contribution xᵢ·μᵢ. The bias (slot 0) is left out — it says how likely the action is for anyone, not why for
 * this customer. Ordered by |contribution|, largest first (ties: lower slot first), over the non-zero contributions
 * only: a slot whose weight is still 0 (an untrained model) explains nothing, so a cold model gives no reasons.
 */

export interface Contribution {
  feature: string;
  contribution: number;
}

/**
 * The k largest |xᵢ·μᵢ| over non-zero xᵢ (bias excluded), largest magnitude first, contribution signed. `override`
 * replaces x[index] by value (the per-action contact-history slot). Allocates only the result: a partial
 * insertion sort into it, O(nnz·k).
 */
export function topContributions(
  x: Float64Array,
  mean: Float64Array,
  slots: readonly string[],
  k: number,
  override?: { index: number; value: number },
): Contribution[] {
  const out: Contribution[] = [];
  if (!(k >= 1)) return out;
  const d = Math.min(x.length, mean.length, slots.length);
  for (let i = 1; i < d; i++) {
    const xi = override !== undefined && override.index === i ? override.value : x[i]!;
    if (xi === 0) continue;
    const c = xi * mean[i]!;
    const size = Math.abs(c);
    if (size === 0 || !(size === size)) continue; // a zero or NaN weight explains nothing
    if (out.length === k && !(size > Math.abs(out[k - 1]!.contribution))) continue;
    // Full: the evicted last entry's object is reused, so the only objects made are the ≤ k of the result.
    let pos: number;
    let entry: Contribution;
    if (out.length < k) {
      pos = out.length;
      entry = { feature: slots[i]!, contribution: c };
      out.push(entry);
    } else {
      pos = k - 1;
      entry = out[pos]!;
      entry.feature = slots[i]!;
      entry.contribution = c;
    }
    while (pos > 0 && Math.abs(out[pos - 1]!.contribution) < size) {
      out[pos] = out[pos - 1]!;
      pos--;
    }
    out[pos] = entry;
  }
  return out;
}
