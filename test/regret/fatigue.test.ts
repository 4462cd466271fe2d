/**
 * The fatigue protocol: the windowed contact history, the engine player deciding through the core with the history
 * slot per action, and — on a shortened run — the engine with the slots out-earning the same engine without them,
 * with negative learned fatigue coefficients.
 */
import { describe, expect, it } from 'vitest';
import { DRAW_CORRELATION } from '../../src/core/thompson.js';
import { ContactHistory, FEATURES, VALUES, fatigueWorld, trueRate } from '../../scripts/regret/data/fatigue.js';
import { createFatigueEngine } from '../../scripts/regret/players/fatigue-engine.js';
import { runFatigue, WITH, WITHOUT } from '../../scripts/regret/protocols/fatigue.js';

const policy = { priorRate: 0.05, forgettingHalfLife: 0, changeDetection: false, drawCorrelation: DRAW_CORRELATION };

describe('fatigue protocol', () => {
  it('counts contacts and ignores within the window only', () => {
    const h = new ContactHistory(2, 3, 10);
    h.record(0, 1, 0, false);
    h.record(0, 1, 5, true);
    h.record(0, 2, 7, false);
    expect(h.contactsOf(0, 9)).toBe(3);
    expect(h.ignoresOf(0, 1, 9)).toBe(1);
    expect(h.ignoresOf(0, 1, 10)).toBe(0); // the ignore at 0 left the window (t − 10, t]
    expect(h.contactsOf(0, 10)).toBe(2);
    expect(h.contactsOf(1, 10)).toBe(0);
  });

  it('the truth tires: each ignore and each contact lowers the response rate', () => {
    const c = fatigueWorld({ customers: 3, rounds: 1 }, 1).customers[0]!;
    expect(trueRate(c, 4, 1, 0)).toBeLessThan(trueRate(c, 4, 0, 0));
    expect(trueRate(c, 4, 0, 1)).toBeLessThan(trueRate(c, 4, 0, 0));
  });

  it('the engine player scores with the per-action ignores slot and charges the contact cost', () => {
    const engine = createFatigueEngine({ name: 'e', actions: 6, features: FEATURES, channel: 'email', window: '14d', values: VALUES, contactCost: 1e6, policy, batch: 1, seed: 1 });
    expect(engine.encoder.slots.slice(-2)).toEqual(['history.ignores', 'history.contacts']);
    const customer = fatigueWorld({ customers: 1, rounds: 1 }, 1).customers[0]!;
    // No priority can exceed a cost of 10⁶: the engine says nothing.
    for (let i = 0; i < 20; i++) expect(engine.offer({ customer, contacts: 2, ignores: Int32Array.of(0, 1, 2, 3, 4, 5) })).toBe(-1);
  });

  it('with the history slots the engine earns more than without them, and learns negative fatigue weights', () => {
    const report = runFatigue({ config: { customers: 1_000, rounds: 150_000 }, seeds: [1], policy, batch: 100 });
    const value = (name: string): number => report.players.find((p) => p.name === name)!.values[0]!;
    expect(value(WITH)).toBeGreaterThan(value(WITHOUT));
    const ignores = report.coefficients.map((c) => c.ignores[0]!.mean);
    const contacts = report.coefficients.map((c) => c.contacts[0]!.mean);
    expect(ignores.filter((w) => w < 0).length).toBeGreaterThanOrEqual(5);
    expect(contacts.filter((w) => w < 0).length).toBeGreaterThanOrEqual(5);
  });
});
