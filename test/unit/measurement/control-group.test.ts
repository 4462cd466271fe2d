import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { controlHash, customerInControl, decisionInControl, utcMonth } from '../../../src/measurement/control-group.js';

const DEC = Date.parse('2026-12-01T00:00:00.000Z');
const JAN = Date.parse('2027-01-01T00:00:00.000Z');
const ids = (n: number) => Array.from({ length: n }, (_, i) => `customer-${i}`);

/** |count − np| within 4.5 binomial sds: a false alarm about once in 150,000 runs, and the seeds are fixed anyway. */
function expectBinomial(count: number, n: number, p: number): void {
  const sd = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(count - n * p), `count ${count} of ${n} at p = ${p}`).toBeLessThanOrEqual(4.5 * sd);
}

describe('control group membership', () => {
  it('takes the configured share of customers, within binomial bounds', () => {
    for (const share of [0.02, 0.1, 0.5]) {
      const n = 20_000;
      const inControl = ids(n).filter((id) => customerInControl(id, DEC, share)).length;
      expectBinomial(inControl, n, share);
    }
  });

  it('hashes to a uniform point: deciles of 20,000 ids are each within bounds of 10 %', () => {
    const deciles = new Array<number>(10).fill(0);
    for (const id of ids(20_000)) deciles[Math.floor(controlHash(id, DEC) * 10)]! += 1;
    for (const count of deciles) expectBinomial(count, 20_000, 0.1);
  });

  it('is stable within a UTC month and reshuffled in the next', () => {
    const share = 0.1;
    const lastMs = JAN - 1;
    const december = ids(20_000).filter((id) => customerInControl(id, DEC, share));
    for (const id of ids(2_000)) {
      expect(customerInControl(id, DEC + 15 * 86_400_000 + 12_345, share)).toBe(customerInControl(id, DEC, share));
      expect(controlHash(id, lastMs)).toBe(controlHash(id, DEC));
    }
    // Independent months: the December members still in control in January are share² of everyone, not share.
    const stayed = december.filter((id) => customerInControl(id, JAN, share)).length;
    expectBinomial(stayed, december.length, share);
    expect(stayed).toBeLessThan(december.length / 2);
  });

  it('names UTC months, with the boundary at midnight UTC', () => {
    expect(utcMonth(JAN - 1)).toBe('2026-12');
    expect(utcMonth(JAN)).toBe('2027-01');
    expect(utcMonth(Date.parse('2027-09-30T23:30:00-02:00'))).toBe('2027-10');
  });

  it('share 0 puts nobody in control and draws nothing for anonymous decisions', () => {
    const rng = createRng(7);
    const before = rng.clone();
    for (const id of ids(1_000)) expect(decisionInControl(id, DEC, 0, rng)).toBe(false);
    for (let i = 0; i < 100; i++) expect(decisionInControl(undefined, DEC, 0, rng)).toBe(false);
    expect(rng.nextFloat()).toBe(before.nextFloat());
  });

  it('draws anonymous decisions per decision from the generator, at the share', () => {
    const rng = createRng(11);
    const n = 20_000;
    let inControl = 0;
    for (let i = 0; i < n; i++) if (decisionInControl(undefined, DEC, 0.1, rng)) inControl += 1;
    expectBinomial(inControl, n, 0.1);
    // A customer's membership uses the hash, never the generator.
    const probe = createRng(11);
    const copy = probe.clone();
    decisionInControl('customer-1', DEC, 0.1, probe);
    expect(probe.nextFloat()).toBe(copy.nextFloat());
  });
});
