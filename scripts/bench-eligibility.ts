/**
 * In-process benchmark of eligibility rules (DESIGN.md §8.3, single thread): µs per evaluation of compiled CEL rules
 * (@bufbuild/cel) over a customer context, for the typical rule and a few others, and µs to compile one (paid at
 * PUT or reload, never per decision). The decision path evaluates up to ~10 rules per decision. Prints a table, then
 * one JSON line with every figure. Bounded: each measurement runs --min-seconds (default 1 s; 7 of them).
 *
 *   npm run bench:eligibility -- [--min-seconds 1]
 */
import { parseArgs } from 'node:util';
import { compileEligibility, type EligibilityRule } from '../src/policies/eligibility.js';

const HELP = `Usage: npm run bench:eligibility -- [options]

  --min-seconds <s>    minimum time per measurement, 0.05 to 4 (default 1)
  -h, --help           show this help`;

const RULES: Record<string, string> = {
  typical: "customer.age >= 18 && !('mortgage' in customer.products)",
  channel: "channel == 'app' || channel == 'web'",
  schedule: "now >= timestamp('2026-01-01T00:00:00Z') && customer.segment != 'debt_counselling'",
  macro: "customer.products.exists(p, p.startsWith('card')) && customer.income > 30000.0",
  missingKey: 'customer.missing == 1',
};

/** A context the size of the demo's effective context: a dozen keys, a product list, a few life events. */
const CUSTOMER: Record<string, unknown> = {
  age: 42,
  income: 58_000,
  segment: 'affluent',
  products: ['current_account', 'savings', 'card_gold'],
  lifeEvents: ['house_purchase'],
  tenureYears: 7,
  digital: true,
  region: 'north',
  balance: 12_500,
  riskScore: 0.12,
  recentIgnores: 1,
  recentContacts: 2,
};

function measure(minSeconds: number, run: () => void): { perOpUs: number; ops: number } {
  for (let i = 0; i < 2_000; i++) run(); // warm up the JIT
  let ops = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(minSeconds * 1e9));
  let now = started;
  while (now < deadline) {
    for (let i = 0; i < 1_000; i++) run();
    ops += 1_000;
    now = process.hrtime.bigint();
  }
  return { perOpUs: Number(now - started) / 1e3 / ops, ops };
}

function main(): void {
  const { values } = parseArgs({
    options: { 'min-seconds': { type: 'string', default: '1' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const minSeconds = Number(values['min-seconds']);
  if (!(minSeconds >= 0.05 && minSeconds <= 4)) throw new Error(`--min-seconds must be from 0.05 to 4, got '${values['min-seconds']}'`);

  const figures: Record<string, number> = {};
  const rows: [string, string, string][] = [];
  const nowMs = Date.parse('2026-12-01T12:00:00Z');
  let sink = 0;
  for (const [name, source] of Object.entries(RULES)) {
    const compiled = compileEligibility(source);
    if (!compiled.ok) throw new Error(`${name} does not compile: ${compiled.message}`);
    const rule: EligibilityRule = compiled.rule;
    const result = rule.evaluate(CUSTOMER, 'app', nowMs);
    const { perOpUs } = measure(minSeconds, () => {
      if (rule.evaluate(CUSTOMER, 'app', nowMs) === true) sink++;
    });
    figures[`evaluateUs_${name}`] = perOpUs;
    rows.push([`evaluate ${name}`, perOpUs.toFixed(2), String(result)]);
  }
  // The first rule of a decision wraps the fresh effective context for CEL; the other rules reuse the wrapper.
  const typical = compileEligibility(RULES['typical']!);
  if (!typical.ok) throw new Error(typical.message);
  const { perOpUs: freshUs } = measure(minSeconds, () => {
    if (typical.rule.evaluate({ ...CUSTOMER }, 'app', nowMs) === true) sink++;
  });
  figures['evaluateUs_typicalFreshContext'] = freshUs;
  rows.push(['evaluate typical, fresh context', freshUs.toFixed(2), 'true']);
  const { perOpUs: compileUs } = measure(minSeconds, () => {
    if (compileEligibility(RULES['typical']!).ok) sink++;
  });
  figures['compileUs_typical'] = compileUs;
  rows.push(['compile typical', compileUs.toFixed(2), '—']);
  figures['tenRulesUs_typical'] = freshUs + 9 * figures['evaluateUs_typical']!;

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`${'measure'.padEnd(width)}  µs/op     result`);
  for (const [name, us, result] of rows) console.log(`${name.padEnd(width)}  ${us.padStart(8)}  ${result}`);
  console.log(`10 typical rules per decision (one fresh context, nine reusing it): ${figures['tenRulesUs_typical']!.toFixed(1)} µs`);
  console.log(JSON.stringify({ bench: 'eligibility', node: process.version, minSeconds, rules: RULES, ...figures, sink: sink > 0 }));
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
