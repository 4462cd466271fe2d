/**
 * The loop's model file (GET/PUT /model): Kairos's own format, not Vowpal Wabbit's — a JSON document with every
 * action's features and posterior: the mean and the upper triangle of the (symmetric) precision, row by row, as
 * base64 little-endian float64 (≈ 23 KB an action); the Cholesky factor is recomputed on import. An import is checked
 * whole before anything is replaced.
 */
import { cholesky } from '../core/linalg.js';
import type { Posterior } from '../core/types.js';
import { flattenFeatures } from './core/features.js';
import { PERSONALIZER_DIMENSION, PersonalizerError, type FlatFeature } from './types.js';

export const MODEL_FORMAT = 'kairos-personalizer-model';
export const MODEL_FORMAT_VERSION = 1;

export interface ModelFileAction {
  id: string;
  featuresJson: string;
  features: FlatFeature[];
  posterior: Posterior;
}

function toBase64(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

function fromBase64(text: unknown, length: number, target: string): Float64Array {
  if (typeof text !== 'string') invalid(target, 'must be a base64 string of float64 values');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength !== length * 8) invalid(target, `must hold ${length} float64 values`);
  const out = new Float64Array(length);
  new Uint8Array(out.buffer).set(bytes);
  for (let i = 0; i < length; i++) if (!Number.isFinite(out[i]!)) invalid(target, 'holds a value that is not finite');
  return out;
}

function invalid(target: string, message: string): never {
  throw new PersonalizerError('InvalidModelImportFormat', `the model file is not a ${MODEL_FORMAT} v${MODEL_FORMAT_VERSION} file: ${target} ${message}`, target);
}

/** Row-major upper triangle (diagonal included) of a d×d matrix: d(d+1)/2 values. */
function upperTriangle(m: Float64Array, d: number): Float64Array {
  const out = new Float64Array((d * (d + 1)) / 2);
  let k = 0;
  for (let r = 0; r < d; r++) for (let c = r; c < d; c++) out[k++] = m[r * d + c]!;
  return out;
}

function fromUpperTriangle(packed: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  let k = 0;
  for (let r = 0; r < d; r++) {
    for (let c = r; c < d; c++) {
      const v = packed[k++]!;
      out[r * d + c] = v;
      out[c * d + r] = v;
    }
  }
  return out;
}

export function exportModel(meta: { createdAt: number; modifiedAt: number }, actions: readonly ModelFileAction[]): Uint8Array {
  const doc = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    dimension: PERSONALIZER_DIMENSION,
    creationTime: new Date(meta.createdAt).toISOString(),
    lastModifiedTime: new Date(meta.modifiedAt).toISOString(),
    actions: actions.map((a) => ({
      id: a.id,
      features: JSON.parse(a.featuresJson) as unknown,
      observations: a.posterior.observations,
      a: a.posterior.a,
      b: a.posterior.b,
      mean: toBase64(a.posterior.mean),
      precisionUpper: toBase64(upperTriangle(a.posterior.precision, a.posterior.d)),
    })),
  };
  return new TextEncoder().encode(JSON.stringify(doc));
}

export function importModel(file: Uint8Array): ModelFileAction[] {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file));
  } catch {
    invalid('body', 'is not UTF-8 JSON');
  }
  if (typeof doc !== 'object' || doc === null) invalid('body', 'is not a JSON object');
  const { format, version, dimension, actions } = doc as Record<string, unknown>;
  if (format !== MODEL_FORMAT) invalid('format', `must be "${MODEL_FORMAT}"`);
  if (version !== MODEL_FORMAT_VERSION) invalid('version', `must be ${MODEL_FORMAT_VERSION}`);
  if (dimension !== PERSONALIZER_DIMENSION) invalid('dimension', `must be ${PERSONALIZER_DIMENSION} (this build's hashed slots plus the bias)`);
  if (!Array.isArray(actions)) invalid('actions', 'must be an array');
  const d = PERSONALIZER_DIMENSION;
  const seen = new Set<string>();
  return actions.map((raw, i): ModelFileAction => {
    const at = `actions.${i}`;
    if (typeof raw !== 'object' || raw === null) invalid(at, 'must be an object');
    const a = raw as Record<string, unknown>;
    if (typeof a.id !== 'string' || a.id.length === 0 || a.id.length > 256) invalid(`${at}.id`, 'must be a string of 1 to 256 characters');
    if (seen.has(a.id)) invalid(`${at}.id`, 'is a duplicate');
    seen.add(a.id);
    const features = a.features ?? [];
    let flat: FlatFeature[];
    try {
      flat = flattenFeatures(features, 'a', `${at}.features`);
    } catch (error) {
      if (error instanceof PersonalizerError) invalid(error.target ?? `${at}.features`, error.message);
      throw error;
    }
    const num = (field: string, min: number) => {
      const v = a[field];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min) invalid(`${at}.${field}`, `must be a finite number ≥ ${min}`);
      return v;
    };
    const observations = num('observations', 0);
    const shape = num('a', Number.MIN_VALUE);
    const scale = num('b', Number.MIN_VALUE);
    const mean = fromBase64(a.mean, d, `${at}.mean`);
    const precision = fromUpperTriangle(fromBase64(a.precisionUpper, (d * (d + 1)) / 2, `${at}.precisionUpper`), d);
    const cholPrecision = new Float64Array(d * d);
    if (!cholesky(precision, d, cholPrecision)) invalid(`${at}.precisionUpper`, 'is not positive definite');
    return {
      id: a.id,
      featuresJson: JSON.stringify(features),
      features: flat,
      posterior: { likelihood: 'linear', d, mean, precision, cholPrecision, a: shape, b: scale, observations },
    };
  });
}
