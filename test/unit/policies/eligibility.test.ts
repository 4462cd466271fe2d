import { describe, expect, it } from 'vitest';
import { compileEligibility, type EligibilityRule } from '../../../src/policies/eligibility.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');

function compiled(source: string): EligibilityRule {
  const result = compileEligibility(source);
  if (!result.ok) throw new Error(`${source}: ${result.message}`);
  return result.rule;
}

describe('compileEligibility', () => {
  it('evaluates the typical rule over the customer map', () => {
    const rule = compiled("customer.age >= 18 && !('mortgage' in customer.products)");
    expect(rule.evaluate({ age: 30, products: ['savings'] }, 'app', NOW)).toBe(true);
    expect(rule.evaluate({ age: 30, products: ['mortgage'] }, 'app', NOW)).toBe(false);
    expect(rule.evaluate({ age: 17, products: [] }, 'app', NOW)).toBe(false);
  });

  it('reuses one context across rules, and reads a new context object afresh', () => {
    const adult = compiled('customer.age >= 18');
    const rich = compiled('customer.income > 50000.0');
    const context = { age: 30, income: 60_000 };
    expect([adult.evaluate(context, 'app', NOW), rich.evaluate(context, 'app', NOW)]).toEqual([true, true]);
    expect(adult.evaluate({ ...context, age: 12 }, 'app', NOW)).toBe(false);
    expect(adult.evaluate(context, 'app', NOW)).toBe(true);
  });

  it('reads channel and now', () => {
    expect(compiled("channel == 'app'").evaluate({}, 'app', NOW)).toBe(true);
    expect(compiled("channel == 'app'").evaluate({}, 'email', NOW)).toBe(false);
    expect(compiled("now >= timestamp('2026-12-01T00:00:00Z')").evaluate({}, 'app', NOW)).toBe(true);
    expect(compiled("now >= timestamp('2026-12-02T00:00:00Z')").evaluate({}, 'app', NOW)).toBe(false);
  });

  it('answers error for a missing key, a type mismatch and a non-boolean result', () => {
    const rule = compiled('customer.age >= 18');
    expect(rule.evaluate({}, 'app', NOW)).toBe('error');
    expect(rule.evaluate({ age: 'old' }, 'app', NOW)).toBe('error');
    expect(compiled('customer.vip').evaluate({ vip: 'yes' }, 'app', NOW)).toBe('error');
    expect(compiled('customer.vip').evaluate({ vip: true }, 'app', NOW)).toBe(true);
    expect(compiled('has(customer.vip)').evaluate({}, 'app', NOW)).toBe(false);
  });

  it('names the line and column of a syntax error', () => {
    const result = compileEligibility('customer.age >= 18 &&\n  customer.x ===');
    expect(result).toMatchObject({ ok: false, line: 2, column: 14 });
    expect(compileEligibility('customer.age >')).toMatchObject({ ok: false, line: 1, column: 14 });
    expect(compileEligibility('')).toMatchObject({ ok: false, line: 1, column: 1 });
  });

  it('refuses a rule whose result is never a bool, and an undeclared variable, with its position', () => {
    for (const source of ['1 + 2', "'x'", 'channel', 'now', '[1, 2]', "true ? 1 : 2", "customer.vip ? 1 : 'x'", 'size(customer)', 'customer.products.map(p, p)']) {
      const result = compileEligibility(source);
      expect(result.ok, source).toBe(false);
      if (!result.ok) expect(result.message, source).toMatch(/must be a boolean expression/);
    }
    expect(compileEligibility('customer.age >= 18 &&\n  vip')).toMatchObject({ ok: false, line: 2, column: 3, message: expect.stringMatching(/'vip'/) });
    expect(compiled('customer.vip ? true : customer.age > 30').evaluate({ vip: false, age: 40 }, 'app', NOW)).toBe(true);
    // A macro's own variable is declared inside it.
    expect(compiled("customer.products.exists(p, p == 'card')").evaluate({ products: ['card'] }, 'app', NOW)).toBe(true);
  });
});
