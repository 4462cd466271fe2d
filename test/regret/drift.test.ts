/**
 * The drift protocol end to end on synthetic-logistic (one seed, the full 20,000 rounds): the change-detection
 * row restarts exactly once, after the change, and then learns the new truth about as well as a fresh learner.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DRAW_CORRELATION } from '../../src/core/thompson.js';
import { loadSynthetic } from '../../scripts/regret/data/synthetic.js';
import { runDrift } from '../../scripts/regret/protocols/drift.js';

const dataDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data');
const policy = { priorRate: 0.05, forgettingHalfLife: 0, changeDetection: false, drawCorrelation: DRAW_CORRELATION };

describe.skipIf(!existsSync(dataDir))('drift protocol', () => {
  it('restarts once after the change with change detection, and recovers near a fresh learner', () => {
    const data = loadSynthetic(dataDir);
    const { rows } = runDrift({ data, seeds: [1], changeAt: 10_000, policy, halfLife: 300, batch: 1 });
    const byName = new Map(rows.map((row) => [row.name, row]));
    const detecting = byName.get('Kairos, change detection')!;
    const fresh = byName.get('Kairos, fresh learner from the change')!;
    const stale = byName.get('Kairos, configured (no forgetting, no change detection)')!;
    expect(detecting.extra?.['restarts before / after the change (all seeds)']).toBe('0 / 1');
    expect(Number(detecting.extra?.['rounds from the change to its first restart (median)']?.replace(/,/g, ''))).toBeLessThan(2_000);
    expect(stale.extra?.['restarts before / after the change (all seeds)']).toBe('0 / 0');
    // Without adaptation the second half costs several times a fresh learner's regret; with detection, near it.
    expect(stale.regrets[0]!).toBeGreaterThan(2 * fresh.regrets[0]!);
    expect(detecting.regrets[0]!).toBeLessThan(1.5 * fresh.regrets[0]!);
  });
});
