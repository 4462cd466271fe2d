/**
 * Personalizer's free-form features (DESIGN.md §4, §11): `contextFeatures` and an action's `features` are arrays of
 * arbitrary JSON objects, nested, with arrays. They are flattened into named features and hashed into
 * PERSONALIZER_SLOTS slots, so there is no schema to declare.
 *
 * Naming: the key path joined with '.', after the namespace prefix ('c' context, 's' slot, 'a' action). A string leaf
 * is an indicator `c.user.taste=sweet` (value 1), a boolean likewise `c.user.vip=true`; a number is a numeric feature
 * `c.user.age`. Arrays add no path segment (an array of scalars gives one feature per element under the array's
 * path, an array of objects recurses under it), as Personalizer's flattening of VW namespaces did. null is skipped.
 * The output order is the input's traversal order (keys in insertion order, depth first), so the same JSON text
 * always gives the same list; the encoding is a sum, so the order does not change x.
 */
import { PERSONALIZER_DIMENSION, PERSONALIZER_SLOTS, PersonalizerError } from '../types.js';
import type { FlatFeature } from '../types.js';

/** Deepest nesting of objects and arrays inside one list item (the item itself is depth 1). */
export const MAX_FEATURE_DEPTH = 8;
/** Most features one list (the context's, a slot's or one action's) may flatten to. */
export const MAX_FEATURES_PER_LIST = 1024;
/** Longest key of a feature object (one path segment). */
export const MAX_FEATURE_KEY_LENGTH = 256;
/**
 * Longest string value. Personalizer documented no bound; a value becomes one indicator name, so a paragraph of text
 * only costs its hashing, and 2,048 characters leave room for titles and short descriptions (the body limit bounds
 * the total).
 */
export const MAX_FEATURE_STRING_LENGTH = 2048;


function bad(message: string, target: string): never {
  throw new PersonalizerError('BadRequest', message, target);
}

/**
 * A number's feature value: sign(v)·log1p(|v|). Personalizer's numbers are unscaled (an age, a price, a count of
 * 10⁶); the log keeps sign and order and grows slowly, so one large number cannot swamp a score of unit-scale
 * indicators, while 0 stays 0 (an absent number and a zero agree).
 */
export function numericValue(v: number): number {
  return Math.sign(v) * Math.log1p(Math.abs(v));
}

/**
 * Flattens one feature list. `list` must be an array of objects (undefined → []); `target` is how the client named the
 * list (`contextFeatures`, `actions.3.features`), so an error's target names the field as written
 * (`actions.3.features.0.size`). Throws PersonalizerError('BadRequest') for a list that is not an array, an item
 * that is not an object, nesting deeper than MAX_FEATURE_DEPTH, more than MAX_FEATURES_PER_LIST features, a key or
 * string longer than its limit, or a number that is not finite.
 */
export function flattenFeatures(list: unknown, prefix: string, target: string): FlatFeature[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) bad(`${target} must be an array of objects`, target);
  const out: FlatFeature[] = [];
  const push = (name: string, value: number, where: string): void => {
    if (out.length >= MAX_FEATURES_PER_LIST) bad(`${target} has more than ${MAX_FEATURES_PER_LIST} features`, where);
    out.push({ name, value });
  };
  const leaf = (path: string, value: unknown, where: string, depth: number): void => {
    if (value === null || value === undefined) return;
    if (typeof value === 'string') {
      if (value.length > MAX_FEATURE_STRING_LENGTH) bad(`a feature value is longer than ${MAX_FEATURE_STRING_LENGTH} characters`, where);
      push(`${path}=${value}`, 1, where);
    } else if (typeof value === 'boolean') {
      push(`${path}=${value ? 'true' : 'false'}`, 1, where);
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) bad('a feature number must be finite', where);
      push(path, numericValue(value), where);
    } else if (Array.isArray(value)) {
      if (depth + 1 > MAX_FEATURE_DEPTH) bad(`features are nested deeper than ${MAX_FEATURE_DEPTH} levels`, where);
      value.forEach((element, index) => leaf(path, element, `${where}.${index}`, depth + 1));
    } else if (typeof value === 'object') {
      if (depth + 1 > MAX_FEATURE_DEPTH) bad(`features are nested deeper than ${MAX_FEATURE_DEPTH} levels`, where);
      walk(path, value as Record<string, unknown>, where, depth + 1);
    } else {
      bad(`a feature value must be a string, number, boolean, object, array or null`, where);
    }
  };
  const walk = (path: string, object: Record<string, unknown>, where: string, depth: number): void => {
    for (const key of Object.keys(object)) {
      const at = `${where}.${key}`;
      if (key.length > MAX_FEATURE_KEY_LENGTH) bad(`a feature key is longer than ${MAX_FEATURE_KEY_LENGTH} characters`, at);
      leaf(`${path}.${key}`, object[key], at, depth);
    }
  };
  list.forEach((item: unknown, index) => {
    const where = `${target}.${index}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) bad(`${where} must be a JSON object`, where);
    walk(prefix, item as Record<string, unknown>, where, 1);
  });
  return out;
}

/**
 * The slot of a feature name, 1..PERSONALIZER_SLOTS (slot 0 is the bias): 32-bit FNV-1a over the name's UTF-16 code
 * units (each unit folded in as one 16-bit step), then murmur3's fmix32 finaliser so the low bits the modulo keeps
 * depend on every character. STABLE FOREVER: an exported model's weights are indexed by these slots, so changing the
 * hash (or PERSONALIZER_SLOTS) silently scrambles every imported model; test/unit/personalizer/features.test.ts pins
 * known values.
 */
export function hashSlot(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return 1 + ((h >>> 0) % PERSONALIZER_SLOTS);
}

/**
 * The encoded context x (length PERSONALIZER_DIMENSION): x[0] = 1 (bias), each feature's value added at its slot
 * (collisions add, as VW's hashing does). `out` is zeroed and reused when given.
 */
export function encodeFeatures(groups: readonly (readonly FlatFeature[])[], out?: Float64Array): Float64Array {
  const x = out ?? new Float64Array(PERSONALIZER_DIMENSION);
  if (x.length !== PERSONALIZER_DIMENSION) throw new RangeError(`out must have length ${PERSONALIZER_DIMENSION}`);
  x.fill(0);
  x[0] = 1;
  for (const group of groups) for (const f of group) {
      const slot = hashSlot(f.name);
      x[slot] = x[slot]! + f.value;
    }
  return x;
}

/**
 * Cosine similarity of two actions' hashed feature vectors (bias left out), clipped to [0, 1]: 0 when either has no
 * features (nothing to compare is no resemblance), 1 for the same features. Negative cosines (opposite numbers)
 * count as no resemblance: the new-action prior borrows only from look-alikes.
 */
export function featureSimilarity(a: readonly FlatFeature[], b: readonly FlatFeature[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const u = encodeFeatures([a]);
  const v = encodeFeatures([b]);
  let dot = 0;
  let uu = 0;
  let vv = 0;
  for (let j = 1; j < PERSONALIZER_DIMENSION; j++) {
    dot += u[j]! * v[j]!;
    uu += u[j]! * u[j]!;
    vv += v[j]! * v[j]!;
  }
  if (!(uu > 0 && vv > 0)) return 0;
  return Math.min(1, Math.max(0, dot / Math.sqrt(uu * vv)));
}
