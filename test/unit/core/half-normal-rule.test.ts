import { describe, expect, it } from 'vitest';
import { halfNormalGauss } from '../../../src/core/half-normal-rule.js';

/** E|Z|^m for Z standard normal: 2^(m/2) Γ((m+1)/2) / √π; by recursion E|Z|^m = (m − 1) E|Z|^(m−2). */
function absoluteMoment(m: number): number {
  return m === 0 ? 1 : m === 1 ? Math.sqrt(2 / Math.PI) : (m - 1) * absoluteMoment(m - 2);
}

describe('the half-normal Gauss rule', () => {
  it('integrates |Z|^m exactly for m < 2n (to the discretisation, 1e-7 relative), with positive weights summing to 1', () => {
    for (const n of [3, 6, 8]) {
      const { nodes, weights } = halfNormalGauss(n);
      expect(weights.every((w) => w > 0)).toBe(true);
      expect(nodes.every((x, k) => x > 0 && (k === 0 || x > nodes[k - 1]!))).toBe(true);
      expect(Math.abs(weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-12);
      for (let m = 1; m < 2 * n; m++) {
        let e = 0;
        for (let k = 0; k < n; k++) e += weights[k]! * nodes[k]! ** m;
        expect(Math.abs(e / absoluteMoment(m) - 1), `n = ${n}, m = ${m}`).toBeLessThan(1e-7);
      }
      // Degree 2n is not exact (a Gauss rule's defect there is positive: the true moment is larger).
      let e = 0;
      for (let k = 0; k < n; k++) e += weights[k]! * nodes[k]! ** (2 * n);
      expect(e).toBeLessThan(absoluteMoment(2 * n) * (1 - 1e-6));
    }
  });
});
