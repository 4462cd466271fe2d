import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileEncoder, encodeContext, validateFeatureSpecs, type FeatureSpec } from '../../src/core/encoding.js';

const FEATURES: FeatureSpec[] = [
  { name: 'age', type: 'numeric', min: 18, max: 98 },
  { name: 'balance', type: 'numeric', mean: 1000, std: 500 },
  { name: 'tenure', type: 'numeric' },
  { name: 'segment', type: 'categorical', values: ['mass', 'affluent'] },
  { name: 'products', type: 'set', values: ['mortgage', 'card', 'savings'] },
  { name: 'vip', type: 'boolean' },
];
const CHANNELS = ['app', 'web'];

function encode(context: Record<string, unknown>, channel = 'app', features = FEATURES, channels = CHANNELS) {
  const enc = compileEncoder({ features, channels });
  const out = new Float64Array(enc.dimension);
  const report = encodeContext(enc, context, channel, out);
  const bySlot = Object.fromEntries(enc.slots.map((s, i) => [s, out[i]]));
  return { enc, out, bySlot, ...report };
}

describe('compileEncoder', () => {
  it('names every slot in order: bias, features in declaration order, then the channel block', () => {
    const enc = compileEncoder({ features: FEATURES, channels: CHANNELS });
    expect(enc.slots).toEqual([
      'bias',
      'age',
      'balance',
      'tenure',
      'segment=mass',
      'segment=affluent',
      'segment=other',
      'products:mortgage',
      'products:card',
      'products:savings',
      'vip',
      'channel=app',
      'channel=web',
      'channel=other',
    ]);
    expect(enc.dimension).toBe(14);
  });

  it('has no channel block when no channels are declared', () => {
    const enc = compileEncoder({ features: [], channels: [] });
    expect(enc.slots).toEqual(['bias']);
    expect(enc.dimension).toBe(1);
  });

  it('keeps its own copy of the spec', () => {
    const features: FeatureSpec[] = [{ name: 'segment', type: 'categorical', values: ['a'] }];
    const channels = ['app'];
    const enc = compileEncoder({ features, channels });
    (features[0] as { values: string[] }).values.push('b');
    channels.push('web');
    expect(enc.features[0]).toEqual({ name: 'segment', type: 'categorical', values: ['a'] });
    expect(enc.channels).toEqual(['app']);
  });

  it('throws RangeError on invalid features, duplicate channels, a channel named other, or colliding slots', () => {
    expect(() => compileEncoder({ features: [{ name: 'bias', type: 'boolean' }], channels: [] })).toThrow(RangeError);
    expect(() => compileEncoder({ features: [], channels: ['app', 'app'] })).toThrow(RangeError);
    expect(() => compileEncoder({ features: [], channels: ['other'] })).toThrow(RangeError);
    expect(() => compileEncoder({ features: [], channels: [''] })).toThrow(RangeError);
    expect(() => compileEncoder({ features: [{ name: 'channel=app', type: 'boolean' }], channels: ['app'] })).toThrow(
      /channel=app/,
    );
  });
});

describe('encodeContext', () => {
  it('sets the bias to 1 and encodes a full context', () => {
    const r = encode({ age: 58, balance: 1500, tenure: 7, segment: 'affluent', products: ['card', 'savings'], vip: true }, 'web');
    expect(r.problems).toEqual([]);
    expect(r.unknownKeys).toEqual([]);
    expect(r.bySlot).toEqual({
      bias: 1,
      age: 0.5,
      balance: 1,
      tenure: 7,
      'segment=mass': 0,
      'segment=affluent': 1,
      'segment=other': 0,
      'products:mortgage': 0,
      'products:card': 1,
      'products:savings': 1,
      vip: 1,
      'channel=app': 0,
      'channel=web': 1,
      'channel=other': 0,
    });
  });

  it('clips min/max scaling to [0, 1] and standardisation to [-5, 5]; raw numerics pass through', () => {
    expect(encode({ age: 10 }).bySlot['age']).toBe(0);
    expect(encode({ age: 200 }).bySlot['age']).toBe(1);
    expect(encode({ age: 38 }).bySlot['age']).toBeCloseTo(0.25, 15);
    expect(encode({ balance: 1000 + 500 * 9 }).bySlot['balance']).toBe(5);
    expect(encode({ balance: 1000 - 500 * 9 }).bySlot['balance']).toBe(-5);
    expect(encode({ balance: 250 }).bySlot['balance']).toBe(-1.5);
    expect(encode({ tenure: -1234.5 }).bySlot['tenure']).toBe(-1234.5);
  });

  it('puts an unknown categorical value in the other slot and a missing one nowhere', () => {
    const unknown = encode({ segment: 'student' }).bySlot;
    expect([unknown['segment=mass'], unknown['segment=affluent'], unknown['segment=other']]).toEqual([0, 0, 1]);
    const missing = encode({}).bySlot;
    expect([missing['segment=mass'], missing['segment=affluent'], missing['segment=other']]).toEqual([0, 0, 0]);
  });

  it('multi-hot encodes sets, ignoring unknown and repeated members', () => {
    const r = encode({ products: ['mortgage', 'yacht', 'mortgage'] });
    expect(r.problems).toEqual([]);
    expect([r.bySlot['products:mortgage'], r.bySlot['products:card'], r.bySlot['products:savings']]).toEqual([1, 0, 0]);
    const empty = encode({ products: [] }).bySlot;
    expect([empty['products:mortgage'], empty['products:card'], empty['products:savings']]).toEqual([0, 0, 0]);
  });

  it('one-hot encodes the channel, unknown channels in channel=other', () => {
    const app = encode({}, 'app').bySlot;
    expect([app['channel=app'], app['channel=web'], app['channel=other']]).toEqual([1, 0, 0]);
    const branch = encode({}, 'branch').bySlot;
    expect([branch['channel=app'], branch['channel=web'], branch['channel=other']]).toEqual([0, 0, 1]);
  });

  it('encodes missing and null values as zeros with no problem', () => {
    const r = encode({ age: null, segment: null, products: null, vip: null });
    expect(r.problems).toEqual([]);
    expect(Array.from(r.out)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(encode({ vip: false }).bySlot['vip']).toBe(0);
  });

  it.each([
    ['age', 'old'],
    ['age', Number.NaN],
    ['age', Number.POSITIVE_INFINITY],
    ['tenure', Number.NEGATIVE_INFINITY],
    ['age', true],
    ['segment', 3],
    ['segment', ['mass']],
    ['products', 'mortgage'],
    ['products', ['card', 7]],
    ['products', { card: true }],
    ['vip', 'yes'],
    ['vip', 1],
  ])('reports a wrong type on context.%s (%s) and encodes it as missing', (name, value) => {
    const r = encode({ [name]: value });
    expect(r.problems).toEqual([{ field: `context.${name}`, message: expect.any(String) }]);
    expect(Array.from(r.out)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('reports every problem, not just the first', () => {
    const r = encode({ age: 'x', vip: 'y', segment: 'mass' });
    expect(r.problems.map((p) => p.field)).toEqual(['context.age', 'context.vip']);
    expect(r.bySlot['segment=mass']).toBe(1);
  });

  it('lists undeclared keys as unknown without failing, and ignores inherited properties', () => {
    const r = encode({ age: 30, favouriteColour: 'green', channel: 'app' });
    expect(r.problems).toEqual([]);
    expect(r.unknownKeys).toEqual(['favouriteColour', 'channel']);
    const proto = encode({}, 'app', [{ name: 'constructor', type: 'numeric' }], []);
    expect(proto.problems).toEqual([]);
    expect(Array.from(proto.out)).toEqual([1, 0]);
  });

  it('overwrites every entry of out, including stale values from a previous call', () => {
    const enc = compileEncoder({ features: FEATURES, channels: CHANNELS });
    const out = new Float64Array(enc.dimension).fill(42);
    encodeContext(enc, {}, 'web', out);
    expect(Array.from(out)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    out.fill(-7);
    encodeContext(enc, { age: 'bad' }, 'web', out);
    expect(Array.from(out)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
  });

  it('rejects an out buffer shorter than the dimension', () => {
    const enc = compileEncoder({ features: FEATURES, channels: CHANNELS });
    expect(() => encodeContext(enc, {}, 'app', new Float64Array(3))).toThrow(RangeError);
  });

  it('accepts a hand-built Encoder by compiling its spec', () => {
    const compiled = compileEncoder({ features: FEATURES, channels: CHANNELS });
    const handMade = { features: FEATURES, channels: CHANNELS, dimension: compiled.dimension, slots: compiled.slots };
    const a = new Float64Array(compiled.dimension);
    const b = new Float64Array(compiled.dimension);
    encodeContext(compiled, { age: 40, segment: 'x' }, 'web', a);
    encodeContext(handMade, { age: 40, segment: 'x' }, 'web', b);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('property: the encoded vector is finite and has length dimension whatever the context', () => {
    const enc = compileEncoder({ features: FEATURES, channels: CHANNELS });
    const anyValue = fc.oneof(
      fc.double(),
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.constantFrom('mortgage', 'card', 'savings'), fc.string(), fc.integer())),
    );
    const context = fc.record(
      { age: anyValue, balance: anyValue, tenure: anyValue, segment: anyValue, products: anyValue, vip: anyValue, junk: anyValue },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(context, fc.constantFrom('app', 'web', 'branch', ''), (ctx, channel) => {
        const out = new Float64Array(enc.dimension).fill(Number.NaN);
        encodeContext(enc, ctx, channel, out);
        expect(out.length).toBe(enc.dimension);
        expect(out.every(Number.isFinite)).toBe(true);
        expect(out[0]).toBe(1);
      }),
    );
  });
});

describe('validateFeatureSpecs', () => {
  const fieldsOf = (features: unknown) => validateFeatureSpecs(features).map((p) => p.field);

  it('accepts a valid schema and the empty schema', () => {
    expect(validateFeatureSpecs(FEATURES)).toEqual([]);
    expect(validateFeatureSpecs([])).toEqual([]);
  });

  it('rejects a non-array and non-object entries', () => {
    expect(fieldsOf({})).toEqual(['features']);
    expect(fieldsOf([null, 'age'])).toEqual(['features.0', 'features.1']);
  });

  it('rejects a missing or empty name, the reserved name bias, and duplicate names', () => {
    expect(fieldsOf([{ type: 'boolean' }])).toEqual(['features.0.name']);
    expect(fieldsOf([{ name: '  ', type: 'boolean' }])).toEqual(['features.0.name']);
    expect(fieldsOf([{ name: 'bias', type: 'numeric' }])).toEqual(['features.0.name']);
    const dup = validateFeatureSpecs([
      { name: 'vip', type: 'boolean' },
      { name: 'age', type: 'numeric' },
      { name: 'vip', type: 'numeric' },
    ]);
    expect(dup).toEqual([{ field: 'features.2.name', message: expect.stringContaining('features.0.name') }]);
  });

  it('rejects an unknown or missing type', () => {
    expect(fieldsOf([{ name: 'x', type: 'text' }])).toEqual(['features.0.type']);
    expect(fieldsOf([{ name: 'ok', type: 'boolean' }, { name: 'x' }])).toEqual(['features.1.type']);
  });

  it('rejects missing, empty, non-string, duplicate and reserved values', () => {
    expect(fieldsOf([{ name: 's', type: 'categorical' }])).toEqual(['features.0.values']);
    expect(fieldsOf([{ name: 's', type: 'set', values: [] }])).toEqual(['features.0.values']);
    expect(fieldsOf([{ name: 's', type: 'set', values: 'a,b' }])).toEqual(['features.0.values']);
    expect(fieldsOf([{ name: 's', type: 'set', values: ['a', 3, ''] }])).toEqual(['features.0.values.1', 'features.0.values.2']);
    expect(fieldsOf([{ name: 's', type: 'categorical', values: ['a', 'b', 'a'] }])).toEqual(['features.0.values.2']);
    expect(fieldsOf([{ name: 's', type: 'categorical', values: ['a', 'other'] }])).toEqual(['features.0.values.1']);
    expect(fieldsOf([{ name: 's', type: 'set', values: ['a', 'other'] }])).toEqual([]);
  });

  it('rejects min ≥ max, std ≤ 0, half-given scales and mixing both scalings', () => {
    expect(fieldsOf([{ name: 'n', type: 'numeric', min: 5, max: 5 }])).toEqual(['features.0.max']);
    expect(fieldsOf([{ name: 'n', type: 'numeric', min: 6, max: 5 }])).toEqual(['features.0.max']);
    expect(fieldsOf([{ name: 'n', type: 'numeric', mean: 0, std: 0 }])).toEqual(['features.0.std']);
    expect(fieldsOf([{ name: 'n', type: 'numeric', mean: 0, std: -1 }])).toEqual(['features.0.std']);
    expect(fieldsOf([{ name: 'n', type: 'numeric', min: 0 }])).toEqual(['features.0.max']);
    expect(fieldsOf([{ name: 'n', type: 'numeric', std: 2 }])).toEqual(['features.0.mean']);
    expect(fieldsOf([{ name: 'n', type: 'numeric', min: 0, max: 1, mean: 0, std: 1 }])).toEqual(['features.0']);
  });

  it('rejects non-finite and non-number scale parameters', () => {
    expect(fieldsOf([{ name: 'n', type: 'numeric', min: Number.NaN, max: 1 }])).toEqual(['features.0.min']);
    expect(fieldsOf([{ name: 'n', type: 'numeric', min: 0, max: Number.POSITIVE_INFINITY }])).toEqual(['features.0.max']);
    expect(fieldsOf([{ name: 'n', type: 'numeric', mean: '3', std: 1 }])).toEqual(['features.0.mean']);
  });

  it('rejects features whose slot names collide', () => {
    const problems = validateFeatureSpecs([
      { name: 'segment', type: 'categorical', values: ['a'] },
      { name: 'segment=a', type: 'boolean' },
    ]);
    expect(problems).toEqual([{ field: 'features.1.name', message: expect.stringContaining('segment=a') }]);
  });

  it('collects problems across features', () => {
    expect(
      fieldsOf([
        { name: 'bias', type: 'boolean' },
        { name: 'ok', type: 'numeric', min: 1, max: 2 },
        { name: 'n', type: 'numeric', mean: 1, std: 0 },
        { name: 'c', type: 'categorical', values: [] },
      ]),
    ).toEqual(['features.0.name', 'features.2.std', 'features.3.values']);
  });
});
