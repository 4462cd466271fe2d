/**
 * Bounds on the inputs the core computes with: within them every propensity, score, priority and posterior stays
 * finite in float64, and no single request can make later ones expensive. The HTTP layer rejects input beyond them
 * (a 400 naming the field) except where noted; the core checks them again where a number would otherwise overflow.
 *
 * Why these sizes: priority = sampled propensity × value × lever, so value · lever ≤ 1e15 leaves ~290 decimal
 * orders of headroom for the draw; a linear model's noise scale b accumulates squared prediction errors, so
 * |reward| ≤ 1e6 keeps each increment ≤ ~1e12 however many arrive; a raw numeric slot clipped to ±1e6 contributes
 * at most 1e12 to a precision entry, far from overflow and within what a Cholesky factor resolves next to the
 * prior's unit-scale diagonal.
 */
import type { EncodingProblem } from './encoding.js';

/** Largest business value of an action (currency units a response is worth). */
export const MAX_ACTION_VALUE = 1e9;
/** Largest business lever of an action (Pega's L). */
export const MAX_ACTION_LEVER = 1e6;
/** Largest |reward| a linear action learns; beyond it the outcome is refused. */
export const MAX_ABS_REWARD = 1e6;
/**
 * A numeric feature declared without scaling (no min/max, no mean/std) enters x raw, clipped into ±this. Declare
 * scaling: a raw feature of large magnitude makes a cold model's score variance huge (a lottery ticket).
 */
export const RAW_NUMERIC_CLIP = 1e6;
/** Largest |min|, |max|, |mean| a numeric feature may declare. */
export const MAX_SCHEMA_NUMBER = 1e12;
/** Smallest std and max − min a numeric feature may declare (its scale 1/std stays finite). */
export const MIN_SCHEMA_SPREAD = 1e-12;

/** Most features one schema may declare (the dimension limit usually binds first). */
export const MAX_FEATURES = 512;
/** Most values one categorical or set feature may list. */
export const MAX_FEATURE_VALUES = 1024;
/** Longest feature name or listed value, in characters. */
export const MAX_NAME_LENGTH = 128;
/** Most channels one schema or one action may list. */
export const MAX_CHANNELS = 64;
/** Most actions the catalog may hold (each keeps a d×d model in memory and is scored by every decision). */
export const MAX_ACTIONS = 1000;

/**
 * The encoded dimension d (bias + feature slots + channel slots): the default limit and the range it may be set in
 * (KAIROS_MAX_DIMENSION). Each action keeps three d×d matrices in memory (precision, its Cholesky factor, the
 * covariance), each learner cycle inverts every updated model in O(d³) on a worker and writes two d×d BLOBs per
 * model, and a decision scores in O(nnz²) per action. scripts/bench-dimension.ts measures it: with the demo's 22
 * actions, d = 128 costs a learner cycle of ~0.2 s for 22 outcomes and ~250 MB RSS; d = 512 ~5–6 s and ~520 MB.
 */
export const DEFAULT_MAX_DIMENSION = 128;
export const MAX_DIMENSION_RANGE = { min: 8, max: 512 } as const;

/**
 * Every way a feature list that validateFeatureSpecs accepts is still too large or too extreme to accept from a
 * client (limits.ts): too many features or values, names too long, numeric scaling beyond ±MAX_SCHEMA_NUMBER or
 * narrower than MIN_SCHEMA_SPREAD. Checked when a schema is written, not when a stored one is compiled, so a
 * database from before these limits still opens.
 */
export function checkFeatureLimits(features: readonly unknown[]): EncodingProblem[] {
  const problems: EncodingProblem[] = [];
  if (features.length > MAX_FEATURES) {
    problems.push({ field: 'features', message: `declares ${features.length} features; at most ${MAX_FEATURES} are allowed` });
  }
  features.forEach((spec, i) => {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return;
    const fields = spec as Record<string, unknown>;
    const at = `features.${i}`;
    const name = fields['name'];
    if (typeof name === 'string' && name.length > MAX_NAME_LENGTH) {
      problems.push({ field: `${at}.name`, message: `must be at most ${MAX_NAME_LENGTH} characters` });
    }
    const values = fields['values'];
    if (Array.isArray(values)) {
      if (values.length > MAX_FEATURE_VALUES) {
        problems.push({ field: `${at}.values`, message: `lists ${values.length} values; at most ${MAX_FEATURE_VALUES} are allowed` });
      }
      values.forEach((value: unknown, k) => {
        if (typeof value === 'string' && value.length > MAX_NAME_LENGTH) {
          problems.push({ field: `${at}.values.${k}`, message: `must be at most ${MAX_NAME_LENGTH} characters` });
        }
      });
    }
    if (fields['type'] !== 'numeric') return;
    for (const key of ['min', 'max', 'mean', 'std']) {
      const v = fields[key];
      if (typeof v === 'number' && Math.abs(v) > MAX_SCHEMA_NUMBER) {
        problems.push({ field: `${at}.${key}`, message: `must lie within ±${MAX_SCHEMA_NUMBER}` });
      }
    }
    const { min, max, std } = spec as { min?: unknown; max?: unknown; std?: unknown };
    if (typeof std === 'number' && std > 0 && std < MIN_SCHEMA_SPREAD) {
      problems.push({ field: `${at}.std`, message: `must be at least ${MIN_SCHEMA_SPREAD}` });
    }
    if (typeof min === 'number' && typeof max === 'number' && max > min && max - min < MIN_SCHEMA_SPREAD) {
      problems.push({ field: `${at}.max`, message: `must exceed min by at least ${MIN_SCHEMA_SPREAD}` });
    }
  });
  return problems;
}
