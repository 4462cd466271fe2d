/** Statistics, the table/JSON report and the SVG chart. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { formatJson, formatTable, type RegretReport } from '../../scripts/regret/report.js';
import { bootstrapMeanInterval, summarise } from '../../scripts/regret/stats.js';
import { niceTicks, regretChart } from '../../scripts/regret/svg.js';

describe('summarise', () => {
  it('gives mean, sample sd and median', () => {
    const s = summarise([1, 2, 3, 10]);
    expect(s.mean).toBe(4);
    expect(s.sd).toBeCloseTo(Math.sqrt((9 + 4 + 1 + 36) / 3), 12);
    expect(s.median).toBe(2.5);
    expect(summarise([5]).sd).toBe(0);
  });
});

describe('bootstrapMeanInterval', () => {
  it('brackets the sample mean and is null for no data', () => {
    const values = Array.from({ length: 400 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const [lo, hi] = bootstrapMeanInterval(values, createRng(1))!;
    expect(lo).toBeLessThan(0.1);
    expect(hi).toBeGreaterThan(0.1);
    // Binomial sd of the mean is 0.015; the 95 % interval spans roughly ±0.03.
    expect(hi - lo).toBeGreaterThan(0.03);
    expect(hi - lo).toBeLessThan(0.09);
    expect(bootstrapMeanInterval([], createRng(1))).toBeNull();
  });
});

describe('report', () => {
  const report: RegretReport = {
    dataset: 'tiny',
    measure: 'regret',
    rounds: 10,
    seeds: [1, 2],
    config: {},
    rows: [
      { name: 'Uniform random', regrets: [100, 300], seconds: 1, rounds: 20 },
      { name: 'Kairos', regrets: [50, 50], seconds: 2, rounds: 20, extra: { note: 'x' } },
    ],
    baseline: 'Uniform random',
    notes: [],
  };

  it('tables mean ± sd, median, % of Uniform and rounds/s (one decimal when a regret is below 100)', () => {
    const table = formatTable(report);
    expect(table).toContain('| Uniform random | 200.0 ± 141.4 | 200.0 | 100.00 % | 20 |  |');
    expect(table).toContain('| Kairos | 50.0 ± 0.0 | 50.0 | 25.00 % | 10 | x |');
  });

  it('prints one JSON line', () => {
    const line = formatJson(report);
    expect(line).not.toContain('\n');
    const json = JSON.parse(line) as { players: { percentOfUniform: number }[] };
    expect(json.players.map((p) => p.percentOfUniform)).toEqual([100, 25]);
  });
});

describe('regretChart', () => {
  it('draws one polyline and one legend entry per series', () => {
    const svg = regretChart('t', Int32Array.of(10, 20), [
      { name: 'A', values: [1, 2] },
      { name: 'B <b>', values: [3, 4] },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('B &lt;b&gt; (4)');
  });

  it('picks round tick steps', () => {
    expect(niceTicks(2_500)).toEqual([0, 500, 1_000, 1_500, 2_000, 2_500]);
    expect(niceTicks(0)).toEqual([0]);
  });
});
