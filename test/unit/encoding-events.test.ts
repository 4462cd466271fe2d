/** Event-fed set features in the schema (DESIGN.md §4): validation, comparison, TTLs, and an unchanged encoding. */
import { describe, expect, it } from 'vitest';
import { compileEncoder, encodeContext, eventTtlMs, sameSchema, validateFeatureSpecs, type FeatureSpec } from '../../src/core/encoding.js';
import { eventTtlFor, DEFAULT_EVENT_TTL_MS } from '../../src/customers/events.js';

const LIFE: FeatureSpec = { name: 'life', type: 'set', values: ['marriage', 'job_loss'], events: { ttl: '90d' } };

describe('validateFeatureSpecs with events', () => {
  it('accepts a set with a valid ttl', () => {
    expect(validateFeatureSpecs([LIFE])).toEqual([]);
  });

  it.each([
    ['a ttl of 7x', { ...LIFE, events: { ttl: '7x' } }, 'features.0.events.ttl'],
    ['a ttl of 0d', { ...LIFE, events: { ttl: '0d' } }, 'features.0.events.ttl'],
    ['a numeric ttl', { ...LIFE, events: { ttl: 90 } }, 'features.0.events.ttl'],
    ['no ttl', { ...LIFE, events: {} }, 'features.0.events.ttl'],
    ['events not an object', { ...LIFE, events: '90d' }, 'features.0.events'],
    ['an unknown key in events', { ...LIFE, events: { ttl: '90d', max: 3 } }, 'features.0.events.max'],
    ['events on a categorical', { name: 'c', type: 'categorical', values: ['a'], events: { ttl: '1d' } }, 'features.0.events'],
    ['events on a boolean', { name: 'b', type: 'boolean', events: { ttl: '1d' } }, 'features.0.events'],
  ])('names the field for %s', (_name, spec, field) => {
    const problems = validateFeatureSpecs([spec]);
    expect(problems.map((p) => p.field), JSON.stringify(problems)).toContain(field);
  });
});

describe('sameSchema with events', () => {
  const plain: FeatureSpec = { name: 'life', type: 'set', values: ['marriage', 'job_loss'] };
  it('tells a ttl change and an added or removed feed apart, and ignores key order', () => {
    const of = (f: FeatureSpec) => ({ features: [f], channels: ['app'] });
    expect(sameSchema(of(LIFE), of({ events: { ttl: '90d' }, values: ['marriage', 'job_loss'], type: 'set', name: 'life' } as FeatureSpec))).toBe(true);
    expect(sameSchema(of(LIFE), of({ ...LIFE, events: { ttl: '30d' } }))).toBe(false);
    expect(sameSchema(of(LIFE), of(plain))).toBe(false);
    expect(sameSchema(of(plain), of(LIFE))).toBe(false);
  });

  it('keeps the feed on the compiled encoder and encodes the set exactly like a plain set', () => {
    const fed = compileEncoder({ features: [LIFE], channels: [] });
    const bare = compileEncoder({ features: [plain], channels: [] });
    expect(fed.features[0]).toEqual(LIFE);
    expect(fed.slots).toEqual(bare.slots);
    const a = new Float64Array(fed.dimension);
    const b = new Float64Array(bare.dimension);
    encodeContext(fed, { life: ['job_loss'] }, 'app', a);
    encodeContext(bare, { life: ['job_loss'] }, 'app', b);
    expect([...a]).toEqual([...b]);
  });
});

describe('event TTLs', () => {
  const features: FeatureSpec[] = [
    LIFE,
    { name: 'recent', type: 'set', values: ['job_loss', 'login'], events: { ttl: '7d' } },
    { name: 'products', type: 'set', values: ['marriage'] },
  ];
  it('is the feed ttl of a feature, and for a type the longest of the feeds that list it, else 90 days', () => {
    expect(eventTtlMs(LIFE)).toBe(90 * 86_400_000);
    expect(eventTtlMs(features[2]!)).toBeUndefined();
    expect(eventTtlFor(features, 'job_loss')).toBe(90 * 86_400_000);
    expect(eventTtlFor(features, 'login')).toBe(7 * 86_400_000);
    expect(eventTtlFor([{ ...LIFE, events: { ttl: '90s' } }], 'marriage')).toBe(90_000);
    expect(eventTtlFor(features, 'inheritance')).toBe(DEFAULT_EVENT_TTL_MS);
  });
});
