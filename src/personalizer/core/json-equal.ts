/**
 * Whether two JSON values are the same, keys compared in order: for values JSON.parse made, true exactly when their
 * JSON.stringify texts are equal, without building the texts (a rank compares every known action's features with
 * the ones it last sent). Anything JSON cannot hold (undefined, functions, NaN) compares false, and the caller falls
 * back to the texts.
 */
export function sameJsonValue(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a === 'number' ? Number.isFinite(a) : a !== undefined && typeof a !== 'function' && typeof a !== 'symbol' && typeof a !== 'bigint';
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJsonValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const key = ka[i]!;
    if (key !== kb[i] || !sameJsonValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
