/**
 * Validation of a declared feature schema (DESIGN.md §4): every problem of a feature list or of the contact-history
 * option, each naming its field (`features.3.values.1`, `contactHistory.window`), and the TTL of an event-fed feature.
 * Pure; the encoder (encoding.ts) assumes a schema that passed these checks.
 */
import { parsePolicyDuration, POLICY_DURATION_MESSAGE } from './duration.js';
import { BIAS_SLOT, featureSlots, OTHER, type EncodingProblem, type FeatureSpec } from './feature-spec.js';

const FEATURE_TYPES = ['numeric', 'categorical', 'set', 'boolean'] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validateValues(spec: Record<string, unknown>, at: string, problems: EncodingProblem[]): void {
  const values = spec['values'];
  if (!Array.isArray(values)) {
    problems.push({ field: `${at}.values`, message: 'must be a non-empty array of strings' });
    return;
  }
  if (values.length === 0) problems.push({ field: `${at}.values`, message: 'must not be empty' });
  const seen = new Set<string>();
  values.forEach((value: unknown, k) => {
    const field = `${at}.values.${k}`;
    if (typeof value !== 'string' || value.trim() === '') problems.push({ field, message: 'must be a non-empty string' });
    else if (seen.has(value)) problems.push({ field, message: `duplicates the value '${value}'` });
    else if (spec['type'] === 'categorical' && value === OTHER) {
      problems.push({ field, message: `'${OTHER}' is reserved for values outside the list` });
    }
    if (typeof value === 'string') seen.add(value);
  });
}

function validateEvents(spec: Record<string, unknown>, at: string, problems: EncodingProblem[]): void {
  const events = spec['events'];
  if (events === undefined) return;
  if (spec['type'] !== 'set') {
    problems.push({ field: `${at}.events`, message: 'only a set feature can be fed by events' });
    return;
  }
  if (!isRecord(events)) {
    problems.push({ field: `${at}.events`, message: 'must be an object {ttl}' });
    return;
  }
  for (const key of Object.keys(events)) {
    if (key !== 'ttl') problems.push({ field: `${at}.events.${key}`, message: 'unknown field' });
  }
  if (parsePolicyDuration(events['ttl']) === undefined) {
    problems.push({ field: `${at}.events.ttl`, message: `must be ${POLICY_DURATION_MESSAGE}` });
  }
}

/** The TTL in ms of an event-fed feature; undefined for every other feature. Assumes a valid spec. */
export function eventTtlMs(spec: FeatureSpec): number | undefined {
  return spec.type === 'set' && spec.events ? parsePolicyDuration(spec.events.ttl) : undefined;
}

function validateNumeric(spec: Record<string, unknown>, at: string, problems: EncodingProblem[]): void {
  const before = problems.length;
  for (const key of ['min', 'max', 'mean', 'std']) {
    const v = spec[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
      problems.push({ field: `${at}.${key}`, message: 'must be a finite number' });
    }
  }
  if (problems.length > before) return;
  const { min, max, mean, std } = spec as { min?: number; max?: number; mean?: number; std?: number };
  const pair = (a: string, av: number | undefined, b: string, bv: number | undefined): void => {
    if (av !== undefined && bv === undefined) problems.push({ field: `${at}.${b}`, message: `is required with ${a}` });
    if (bv !== undefined && av === undefined) problems.push({ field: `${at}.${a}`, message: `is required with ${b}` });
  };
  pair('min', min, 'max', max);
  pair('mean', mean, 'std', std);
  if (min !== undefined && max !== undefined && min >= max) problems.push({ field: `${at}.max`, message: 'must be greater than min' });
  if (std !== undefined && std <= 0) problems.push({ field: `${at}.std`, message: 'must be greater than 0' });
  if ((min !== undefined || max !== undefined) && (mean !== undefined || std !== undefined)) {
    problems.push({ field: at, message: 'scale by min/max or by mean/std, not both' });
  }
}

/**
 * Every problem with a feature list, each naming its field (`features`, `features.3.name`, `features.3.values.1`).
 * Empty when the list is valid. Also rejects two features whose slot names would collide.
 */
export function validateFeatureSpecs(features: unknown): EncodingProblem[] {
  if (!Array.isArray(features)) return [{ field: 'features', message: 'must be an array' }];
  const problems: EncodingProblem[] = [];
  const names = new Map<string, number>();
  const slotOwner = new Map<string, number>([[BIAS_SLOT, -1]]);
  features.forEach((spec: unknown, i) => {
    const at = `features.${i}`;
    if (!isRecord(spec)) {
      problems.push({ field: at, message: 'must be an object' });
      return;
    }
    const before = problems.length;
    const name = spec['name'];
    if (typeof name !== 'string' || name.trim() === '') {
      problems.push({ field: `${at}.name`, message: 'must be a non-empty string' });
    } else if (name === BIAS_SLOT) {
      problems.push({ field: `${at}.name`, message: `'${BIAS_SLOT}' is reserved for the intercept` });
    } else if (names.has(name)) {
      problems.push({ field: `${at}.name`, message: `duplicates features.${names.get(name)}.name` });
    } else {
      names.set(name, i);
    }
    const type = spec['type'];
    if (type === 'numeric') validateNumeric(spec, at, problems);
    else if (type === 'categorical' || type === 'set') validateValues(spec, at, problems);
    else if (type !== 'boolean') problems.push({ field: `${at}.type`, message: `must be one of ${FEATURE_TYPES.join(', ')}` });
    validateEvents(spec, at, problems);
    if (problems.length > before) return;
    for (const slot of featureSlots(spec as FeatureSpec)) {
      const owner = slotOwner.get(slot);
      if (owner !== undefined) {
        const other = owner < 0 ? 'the bias' : `features.${owner}`;
        problems.push({ field: `${at}.name`, message: `slot '${slot}' collides with ${other}` });
        return;
      }
      slotOwner.set(slot, i);
    }
  });
  return problems;
}

/**
 * Problems with a `contactHistory` option (absent is fine): it must be `{window}` with a policy duration, named
 * `contactHistory` / `contactHistory.window`.
 */
export function validateContactHistory(value: unknown): EncodingProblem[] {
  if (value === undefined) return [];
  if (!isRecord(value)) return [{ field: 'contactHistory', message: 'must be an object {window}' }];
  const problems: EncodingProblem[] = [];
  for (const key of Object.keys(value)) if (key !== 'window') problems.push({ field: `contactHistory.${key}`, message: 'is not a known option' });
  if (parsePolicyDuration(value['window']) === undefined) problems.push({ field: 'contactHistory.window', message: `must be ${POLICY_DURATION_MESSAGE}` });
  return problems;
}
