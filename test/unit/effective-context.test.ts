/**
 * effectiveContext (DESIGN.md §8.1): stored attributes, then event-fed sets, then the request — known answers and
 * properties (the request always wins; no expired or far-future event leaks into a set).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FeatureSpec } from '../../src/core/encoding.js';
import type { CustomerProfile } from '../../src/customers/customer-store.js';
import { effectiveContext } from '../../src/customers/effective-context.js';

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-12-01T10:00:00Z');
const LIFE = ['child_birth', 'marriage', 'house_purchase', 'job_loss'];
const FEATURES: FeatureSpec[] = [
  { name: 'age', type: 'numeric', min: 18, max: 90 },
  { name: 'lifeEvents', type: 'set', values: LIFE, events: { ttl: '90d' } },
  { name: 'recent', type: 'set', values: ['login', 'job_loss'], events: { ttl: '1h' } },
  { name: 'products', type: 'set', values: ['mortgage', 'card'] },
];

describe('effectiveContext', () => {
  it('layers attributes, then event-fed sets within their TTL, then the request', () => {
    const profile: CustomerProfile = {
      attributes: { age: 40, products: ['card'], lifeEvents: ['stale'], debtCounselling: false },
      events: [
        { type: 'marriage', at: NOW - 89 * DAY_MS },
        { type: 'child_birth', at: NOW - 91 * DAY_MS }, // older than 90d
        { type: 'job_loss', at: NOW - 2 * 3_600_000 }, // within 90d, not within 1h
        { type: 'login', at: NOW + 4 * 60_000 }, // clock skew: still now
        { type: 'branch_visit', at: NOW }, // no feature lists it
      ],
    };
    expect(effectiveContext(FEATURES, profile, { age: 41 }, NOW)).toEqual({
      age: 41,
      products: ['card'],
      lifeEvents: ['marriage', 'job_loss'],
      recent: ['login'],
      debtCounselling: false,
    });
  });

  it('is the request alone for an unknown customer, and {} with neither', () => {
    expect(effectiveContext(FEATURES, undefined, { age: 30 }, NOW)).toEqual({ age: 30 });
    expect(effectiveContext(FEATURES, undefined, undefined, NOW)).toEqual({});
  });

  it('gives a stored customer with no events an empty set for each event-fed feature', () => {
    expect(effectiveContext(FEATURES, { attributes: {}, events: [] }, undefined, NOW)).toEqual({ lifeEvents: [], recent: [] });
  });

  it('keeps a __proto__ attribute as an own key instead of changing the prototype', () => {
    const attributes = JSON.parse('{"__proto__": "x", "age": 40}') as CustomerProfile['attributes'];
    const out = effectiveContext([], { attributes, events: [] }, undefined, NOW);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(Object.keys(out)).toEqual(['__proto__', 'age']);
  });

  const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }));
  const key = fc.constantFrom('age', 'lifeEvents', 'recent', 'products', 'segment', 'x');
  const attributes = fc.dictionary(key, value, { maxKeys: 6 });
  const event = fc.record({
    type: fc.constantFrom(...LIFE, 'login', 'other'),
    at: fc.integer({ min: NOW - 200 * DAY_MS, max: NOW + 30 * DAY_MS }),
  });
  const profile = fc.record({ attributes, events: fc.array(event, { maxLength: 12 }) });

  it('lets the request win key by key, and keeps every other stored key (property)', () => {
    fc.assert(
      fc.property(profile, attributes, (p, request) => {
        const out = effectiveContext(FEATURES, p, request, NOW);
        for (const k of Object.keys(request)) expect(out[k]).toEqual(request[k]);
        for (const k of Object.keys(p.attributes)) {
          if (Object.hasOwn(request, k) || k === 'lifeEvents' || k === 'recent') continue;
          expect(out[k]).toEqual(p.attributes[k]);
        }
      }),
    );
  });

  it('never lets an event older than the TTL or more than 5 minutes ahead into a set (property)', () => {
    const ttl = { lifeEvents: 90 * DAY_MS, recent: 3_600_000 } as const;
    fc.assert(
      fc.property(profile, (p) => {
        const out = effectiveContext(FEATURES, p, undefined, NOW);
        for (const name of ['lifeEvents', 'recent'] as const) {
          const spec = FEATURES.find((f) => f.name === name) as Extract<FeatureSpec, { type: 'set' }>;
          const live = (type: string) => p.events.some((e) => e.type === type && e.at > NOW - ttl[name] && e.at <= NOW + 300_000);
          expect(out[name]).toEqual(spec.values.filter(live));
        }
      }),
    );
  });
});
