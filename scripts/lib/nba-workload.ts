/**
 * The full next-best-action workload of `bench:http` and `bench:batch` (DESIGN.md §14: "stored profile, events, 10
 * eligibility rules, contact policy, reasons"): the bench schema with an event-fed `lifeEvents` feature, six declared
 * channels with costs and limits, a contact policy with two suppression rules and thresholds, 50 actions of which 10
 * carry CEL eligibility rules, and 10,000 stored customers with attributes and life events. Decision bodies then
 * carry only `customerId` and `channel`: the engine reads everything else from its customer brain.
 */
import { createRng } from '../../src/core/rng.js';
import { CATEGORIES } from '../../src/domain/types.js';
import { BENCH_CHANNELS, BENCH_NUMERIC_FEATURES, BENCH_PRODUCTS, BENCH_SEGMENTS } from './bench-bank.js';

export type Call = (method: string, path: string, body?: unknown) => Promise<unknown>;

const LIFE_EVENTS = ['child_birth', 'marriage', 'house_purchase', 'car_purchase', 'job_change', 'job_loss',
  'graduation', 'retirement', 'inheritance', 'divorce', 'relocation'];

export const NBA_ACTION_COUNT = 50;
/**
 * Stored customers. Each decision picks one at random, so at 2,000 decisions/s a customer gathers a contact every 5 s
 * — already far denser than a bank's history (a few contacts a month), which the contact-history read pays for.
 */
export const NBA_CUSTOMER_COUNT = 10_000;
/** Customer set-up calls in flight at once. */
const SETUP_CONCURRENCY = 32;

/** Ten rules of the kinds a bank writes: age, holdings, risk flags, life events, channel. */
export const NBA_RULES = [
  'customer.age >= 18',
  "!('mortgage' in customer.products)",
  "customer.credit_score >= 600 && !customer.debt_counselling",
  "'house_purchase' in customer.lifeEvents || 'relocation' in customer.lifeEvents",
  "customer.age >= 50 || 'retirement' in customer.lifeEvents",
  "customer.segment != 'student'",
  "channel != 'sms' || customer.has_app",
  "customer.income > 20000.0",
  "'child_birth' in customer.lifeEvents || 'marriage' in customer.lifeEvents || customer.age < 40",
  "!customer.recent_complaint",
];

export const NBA_SCHEMA = {
  features: [
    // The profile carries no contact recency or product count: contact history is the engine's, products a set.
    ...BENCH_NUMERIC_FEATURES.filter((f) => f.name !== 'days_since_contact' && f.name !== 'products_count'),
    { name: 'segment', type: 'categorical', values: BENCH_SEGMENTS },
    { name: 'products', type: 'set', values: BENCH_PRODUCTS },
    { name: 'lifeEvents', type: 'set', values: LIFE_EVENTS, events: { ttl: '90d' } },
    { name: 'has_app', type: 'boolean' },
    { name: 'recent_complaint', type: 'boolean' },
  ],
  channels: [...BENCH_CHANNELS],
  contactHistory: { window: '30d' },
};

/** Declares channels, the contact policy, the schema, 50 actions (10 with rules) and 10,000 customers with events. */
export async function setUpNba(call: Call, seed = 20_261_201): Promise<{ dimension: number }> {
  const rng = createRng(seed);
  const directions: Record<string, 'inbound' | 'outbound'> = { web: 'inbound', app: 'inbound', email: 'outbound', branch: 'inbound', call_centre: 'outbound', sms: 'outbound' };
  for (const id of BENCH_CHANNELS) {
    const outbound = directions[id] === 'outbound';
    await call('PUT', `/v1/channels/${id}`, {
      name: id,
      direction: directions[id],
      contactCost: outbound ? 0.5 : 0.05,
      limit: { contacts: outbound ? 20 : 200, per: '1d' },
    });
  }
  await call('PUT', '/v1/contact-policy', {
    suppression: [
      { after: 3, outcome: 'ignore', within: '30d', scope: 'action', for: '60d' },
      { after: 6, outcome: 'ignore', within: '30d', scope: 'category', for: '7d', categories: ['sales'] },
    ],
    thresholds: { propensity: { default: 0.001 }, priority: { default: 0, channels: { call_centre: 1 } } },
  });
  const schema = (await call('PUT', '/v1/schema', NBA_SCHEMA)) as { dimension: number };
  for (let i = 0; i < NBA_ACTION_COUNT; i++) {
    await call('PUT', `/v1/actions/nba-action-${String(i).padStart(2, '0')}`, {
      name: `NBA action ${i}`,
      category: CATEGORIES[i % CATEGORIES.length],
      value: 1 + ((i * 37) % 100),
      channels: [],
      ...(i < NBA_RULES.length ? { eligibility: NBA_RULES[i] } : {}),
    });
  }
  const uniform = (lo: number, hi: number): number => Math.round((lo + (hi - lo) * rng.nextFloat()) * 100) / 100;
  const customers = Array.from({ length: NBA_CUSTOMER_COUNT }, (_, i) => ({
    id: `nba-${i}`,
    attributes: {
      age: uniform(18, 90),
      income: uniform(5_000, 200_000),
      tenure_months: uniform(0, 480),
      balance: uniform(-5_000, 100_000),
      engagement: uniform(0, 1),
      credit_score: uniform(300, 850),
      segment: BENCH_SEGMENTS[rng.nextInt(BENCH_SEGMENTS.length)]!,
      products: BENCH_PRODUCTS.filter(() => rng.nextFloat() < 0.3),
      has_app: rng.nextFloat() < 0.6,
      recent_complaint: rng.nextFloat() < 0.1,
      debt_counselling: rng.nextFloat() < 0.05,
    },
    events: Array.from({ length: rng.nextInt(3) }, () => LIFE_EVENTS[rng.nextInt(LIFE_EVENTS.length)]!),
  }));
  let next = 0;
  const worker = async () => {
    while (next < customers.length) {
      const c = customers[next++]!;
      await call('PUT', `/v1/customers/${c.id}`, { attributes: c.attributes });
      for (const type of c.events) await call('POST', `/v1/customers/${c.id}/events`, { type });
    }
  };
  await Promise.all(Array.from({ length: SETUP_CONCURRENCY }, worker));
  return { dimension: schema.dimension };
}

/** Bodies naming a stored customer and a channel, nothing else (seeded: the same every run). */
export function nbaDecisionBodies(seed: number, count = 10_000): string[] {
  const rng = createRng(seed);
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    bodies.push(JSON.stringify({ customerId: `nba-${rng.nextInt(NBA_CUSTOMER_COUNT)}`, channel: BENCH_CHANNELS[rng.nextInt(BENCH_CHANNELS.length)] }));
  }
  return bodies;
}
