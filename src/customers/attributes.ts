/**
 * Customer attributes (DESIGN.md §8.1): values are strings, finite numbers, booleans or arrays of strings; at most
 * MAX_ATTRIBUTE_KEYS keys and MAX_ATTRIBUTES_BYTES of JSON per customer, so one profile read per decision stays cheap.
 * Keys the feature schema does not encode are kept: eligibility rules read them.
 */
import type { FieldProblem } from '../errors.js';
import type { Attributes } from './customer-store.js';

export const MAX_ATTRIBUTE_KEYS = 256;
/** UTF-8 bytes of the attributes' JSON. */
export const MAX_ATTRIBUTES_BYTES = 64 * 1024;
export const MAX_ATTRIBUTE_KEY_LENGTH = 128;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isAttributeValue(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    default:
      return Array.isArray(value) && value.every((member) => typeof member === 'string');
  }
}

/** Sets an own property even for `__proto__` (plain assignment would set the prototype instead). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Problems with the keys and values of an attribute object, each naming `<field>.<key>` (or `<field>` for the
 * object itself). `allowNull`: a PATCH body, where null removes a key.
 */
export function attributeValueProblems(attributes: unknown, field: string, allowNull: boolean): FieldProblem[] {
  if (!isRecord(attributes)) return [{ field, message: 'must be an object' }];
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (key.length === 0 || key.length > MAX_ATTRIBUTE_KEY_LENGTH) {
      // An empty key would make the field `attributes.`: name the object instead.
      problems.push({ field: key.length === 0 ? field : `${field}.${key}`, message: `a key must be 1–${MAX_ATTRIBUTE_KEY_LENGTH} characters` });
    } else if (!(isAttributeValue(value) || (allowNull && value === null))) {
      const nullable = allowNull ? ', or null to remove it' : '';
      problems.push({ field: `${field}.${key}`, message: `must be a string, a finite number, a boolean or an array of strings${nullable}` });
    }
  }
  return problems;
}

/** Problems with the size of a whole attribute object (after a PATCH merge too). */
export function attributeSizeProblems(attributes: Attributes | Record<string, unknown>, field: string): FieldProblem[] {
  const keys = Object.keys(attributes).length;
  if (keys > MAX_ATTRIBUTE_KEYS) return [{ field, message: `has ${keys} keys; at most ${MAX_ATTRIBUTE_KEYS} are allowed` }];
  const bytes = Buffer.byteLength(JSON.stringify(attributes), 'utf8');
  if (bytes > MAX_ATTRIBUTES_BYTES) return [{ field, message: `is ${bytes} bytes of JSON; at most ${MAX_ATTRIBUTES_BYTES} are allowed` }];
  return [];
}

/** JSON merge (RFC 7386, one level): `null` removes a key, any other value replaces it. */
export function mergeAttributes(current: Attributes, patch: Record<string, AttributeValueOrNull>): Attributes {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(current)) setOwn(out, key, current[key]);
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete out[key];
    else setOwn(out, key, value);
  }
  return out as Attributes;
}

export type AttributeValueOrNull = Attributes[string] | null;
