import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeSuppressions, contactsWithin, historyLookback, isSuppressed, thresholdsFor } from '../../../src/policies/contact-rules.js';
import { compileChannel, compileContactPolicy } from '../../../src/policies/compile.js';
import type { CompiledSuppression, ContactRow } from '../../../src/policies/types.js';

const DAY = 86_400_000;

const row = (over: Partial<ContactRow>): ContactRow => ({
  decisionId: 'd', actionId: 'a', channel: 'email', category: 'sales', at: 0, outcome: null, outcomeAt: null, ...over,
});
const rule = (over: Partial<CompiledSuppression>): CompiledSuppression => ({
  index: 0, after: 3, outcome: 'ignore', withinMs: 30 * DAY, forMs: 60 * DAY, scope: 'action', categories: null, ...over,
});

/** The rule read literally: every instant t that is an outcome time, checked one by one. */
function oracle(r: CompiledSuppression, rows: readonly ContactRow[], now: number) {
  const groups = new Map<string, number[]>();
  for (const x of rows) {
    if (x.outcome !== r.outcome || x.outcomeAt === null) continue;
    if (r.categories && !r.categories.includes(x.category)) continue;
    const id = r.scope === 'action' ? x.actionId : x.category;
    groups.set(id, [...(groups.get(id) ?? []), x.outcomeAt]);
  }
  const out: { scope: string; id: string; until: number; rule: number }[] = [];
  for (const [id, times] of groups) {
    let best: number | undefined;
    for (const t of times) {
      if (!(now - r.forMs < t && t <= now)) continue;
      const inWindow = times.filter((u) => u > t - r.withinMs && u <= t).length;
      if (inWindow >= r.after && (best === undefined || t > best)) best = t;
    }
    if (best !== undefined) out.push({ scope: r.scope, id, until: best + r.forMs, rule: r.index });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

describe('contactsWithin', () => {
  it('counts distinct decisions on the channel strictly after since', () => {
    const rows = [
      row({ decisionId: 'd1', at: 10 }),
      row({ decisionId: 'd1', actionId: 'b', at: 10 }), // a two-slot decision is one contact
      row({ decisionId: 'd2', at: 20 }),
      row({ decisionId: 'd3', at: 5 }), // at or before since
      row({ decisionId: 'd4', channel: 'app', at: 30 }),
    ];
    expect(contactsWithin(rows, 'email', 5)).toBe(2);
    expect(contactsWithin(rows, 'app', 0)).toBe(1);
    expect(contactsWithin(rows, 'sms', 0)).toBe(0);
  });
});

describe('activeSuppressions', () => {
  it('"3 ignores within 30 days → 60 days": suppressed from the third ignore until 60 days after it', () => {
    const rows = [1, 10, 20].map((d, i) => row({ decisionId: `d${i}`, outcome: 'ignore', at: d * DAY, outcomeAt: d * DAY }));
    expect(activeSuppressions([rule({})], rows, 19 * DAY)).toEqual([]);
    expect(activeSuppressions([rule({})], rows, 20 * DAY)).toEqual([{ scope: 'action', id: 'a', until: 80 * DAY, rule: 0 }]);
    expect(activeSuppressions([rule({})], rows, 80 * DAY - 1)).toHaveLength(1);
    expect(activeSuppressions([rule({})], rows, 80 * DAY)).toEqual([]);
  });

  it('ignores spread wider than the window never trigger; responses do not count as ignores', () => {
    const rows = [0, 31, 62].map((d, i) => row({ decisionId: `d${i}`, outcome: 'ignore', outcomeAt: d * DAY }));
    rows.push(row({ decisionId: 'r', outcome: 'response', outcomeAt: 61 * DAY }));
    expect(activeSuppressions([rule({})], rows, 62 * DAY)).toEqual([]);
  });

  it('category scope pools the actions of a category; categories limits the rule', () => {
    const rows = [
      row({ decisionId: 'd1', actionId: 'a', category: 'sales', outcome: 'ignore', outcomeAt: 1 }),
      row({ decisionId: 'd2', actionId: 'b', category: 'sales', outcome: 'ignore', outcomeAt: 2 }),
      row({ decisionId: 'd3', actionId: 'c', category: 'service', outcome: 'ignore', outcomeAt: 3 }),
      row({ decisionId: 'd4', actionId: 'c', category: 'service', outcome: 'ignore', outcomeAt: 4 }),
    ];
    const byCategory = rule({ after: 2, scope: 'category', withinMs: DAY, forMs: DAY });
    const found = activeSuppressions([byCategory], rows, 10);
    expect(found.map((s) => s.id)).toEqual(['sales', 'service']);
    expect(isSuppressed(found, 'z', 'sales')).toBe(true);
    expect(isSuppressed(found, 'z', 'risk')).toBe(false);
    expect(activeSuppressions([{ ...byCategory, categories: ['service'] }], rows, 10).map((s) => s.id)).toEqual(['service']);
    const byAction = rule({ after: 2, withinMs: DAY, forMs: DAY, index: 4, categories: ['sales'] });
    expect(activeSuppressions([byAction], rows, 10)).toEqual([]); // a and b have one ignore each; c is not sales
  });

  it('equals the literal reading of the rule on random histories (fast-check oracle)', () => {
    const rowArb = fc.record({
      actionId: fc.constantFrom('a', 'b', 'c'),
      category: fc.constantFrom('sales', 'risk'),
      outcome: fc.constantFrom('ignore' as const, 'response' as const, null),
      outcomeAt: fc.integer({ min: 0, max: 100 }),
    });
    const ruleArb = fc.record({
      index: fc.integer({ min: 0, max: 3 }),
      after: fc.integer({ min: 1, max: 4 }),
      outcome: fc.constantFrom('ignore' as const, 'response' as const),
      withinMs: fc.integer({ min: 1, max: 40 }),
      forMs: fc.integer({ min: 1, max: 40 }),
      scope: fc.constantFrom('action' as const, 'category' as const),
      categories: fc.constantFrom(null, ['sales'], ['risk', 'sales']),
    });
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 30 }), ruleArb, fc.integer({ min: 0, max: 120 }), (raw, r, now) => {
        const rows = raw.map((x, i) => row({ ...x, decisionId: `d${i}`, outcomeAt: x.outcome === null ? null : x.outcomeAt }));
        expect(activeSuppressions([r], rows, now)).toEqual(oracle(r, rows, now));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('historyLookback and thresholdsFor', () => {
  const channels = [
    compileChannel({ id: 'email', name: 'E', direction: 'outbound', contactCost: 1, limitContacts: 1, limitPer: '7d', createdAt: 0, updatedAt: 0 }),
    compileChannel({ id: 'app', name: 'A', direction: 'inbound', contactCost: 0, limitContacts: null, limitPer: null, createdAt: 0, updatedAt: 0 }),
  ];

  it('is the longest channel period or rule within + for, and 0 with neither', () => {
    const policy = compileContactPolicy({
      suppression: [{ after: 3, outcome: 'ignore', within: '30d', scope: 'action', for: '60d' }],
      thresholds: {},
    });
    expect(historyLookback(policy, channels)).toBe(90 * DAY);
    expect(historyLookback(compileContactPolicy({ suppression: [], thresholds: {} }), channels)).toBe(7 * DAY);
    expect(historyLookback(compileContactPolicy({ suppression: [], thresholds: {} }), [])).toBe(0);
  });

  it('takes the channel’s threshold, else the default, else 0 and minPriority', () => {
    const policy = compileContactPolicy({
      suppression: [],
      thresholds: { propensity: { default: 0.1, channels: { email: 0.3 } }, priority: { default: 5 } },
    });
    expect(thresholdsFor(policy, 'email', 2)).toEqual({ propensity: 0.3, priority: 5 });
    expect(thresholdsFor(policy, 'app', 2)).toEqual({ propensity: 0.1, priority: 5 });
    expect(thresholdsFor(compileContactPolicy({ suppression: [], thresholds: {} }), 'app', 2)).toEqual({ propensity: Number.NEGATIVE_INFINITY, priority: 2 });
    expect(thresholdsFor(compileContactPolicy({ suppression: [], thresholds: {} }), 'app')).toEqual({ propensity: Number.NEGATIVE_INFINITY, priority: 0 });
  });
});
