/**
 * Full validation of a snapshot before anything is written: format, schema (compiled, its dimension checked),
 * catalog with its engagement policies, declared channels and the contact policy (scripts/lib/snapshot-policies.ts),
 * and every model (dimensions, finite numbers, symmetric positive definite precision — proven by
 * factoring it, which also yields the `cholPrecision` the import stores).
 */
import { compileEncoder, validateContactHistory, validateFeatureSpecs, type FeatureSpec } from '../../src/core/encoding.js';
import { cholesky } from '../../src/core/linalg.js';
import type { Likelihood, Posterior } from '../../src/core/types.js';
import { CATEGORIES } from '../../src/domain/types.js';
import type { FieldProblem } from '../../src/errors.js';
import type { EngagementPolicy } from '../../db/stores/catalog.js';
import type { DeclaredChannels } from '../../src/policies/engagement.js';
import type { ContactPolicy } from '../../src/policies/types.js';
import { checkChannels, checkContactPolicy, checkEngagement, declaredChannels, type ChannelWrite } from './snapshot-policies.js';
import { READABLE_FORMAT_VERSIONS, SNAPSHOT_FORMAT, type Snapshot, type SnapshotModel } from './snapshot.js';

/**
 * Relative asymmetry tolerated in a stored precision: updates may add w·xᵢ·xⱼ and w·xⱼ·xᵢ in a different
 * association order, which differs in the last bits; anything larger is corruption.
 */
const SYMMETRY_TOLERANCE = 1e-9;

export interface ValidatedSnapshot {
  snapshot: Snapshot;
  /** Posteriors ready to store (cholPrecision recomputed), in the file's order. */
  posteriors: { actionId: string; posterior: Posterior }[];
  /** The engagement fields the file gives per action (all five from version 2; an absent one keeps the database's). */
  engagement: Map<string, Partial<EngagementPolicy>>;
  /** The channels to declare (replacing the database's); undefined for a version-1 file (left as they are). */
  channels: ChannelWrite[] | undefined;
  /** The contact policy to put; undefined for a version-1 file (left as it is). */
  contactPolicy: ContactPolicy | undefined;
}

export type SnapshotCheck = { ok: true; value: ValidatedSnapshot } | { ok: false; problems: FieldProblem[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const LIKELIHOODS: readonly Likelihood[] = ['logistic', 'linear'];

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string' && s.trim() !== '') && new Set(v).size === v.length;
}

/** Reads `length` finite numbers into a Float64Array; undefined (with a problem) otherwise. */
function floatArray(v: unknown, length: number, field: string, problems: FieldProblem[]): Float64Array | undefined {
  if (!Array.isArray(v) || v.length !== length) {
    problems.push({ field, message: `must be an array of ${length} numbers` });
    return undefined;
  }
  const out = new Float64Array(length);
  for (let i = 0; i < length; i += 1) {
    const x = v[i];
    if (!isFiniteNumber(x)) {
      problems.push({ field: `${field}.${i}`, message: 'must be a finite number' });
      return undefined;
    }
    out[i] = x;
  }
  return out;
}

function checkSchema(schema: unknown, problems: FieldProblem[]): Snapshot['schema'] | undefined {
  if (!isObj(schema)) {
    problems.push({ field: 'schema', message: 'must be an object' });
    return undefined;
  }
  const before = problems.length;
  const featureProblems = validateFeatureSpecs(schema.features);
  problems.push(...featureProblems.map((p) => ({ field: `schema.${p.field}`, message: p.message })));
  if (!isStringList(schema.channels)) problems.push({ field: 'schema.channels', message: 'must be a list of distinct non-empty strings' });
  if (!isCount(schema.version) || schema.version < 1) problems.push({ field: 'schema.version', message: 'must be an integer ≥ 1' });
  if (!isCount(schema.dimension)) problems.push({ field: 'schema.dimension', message: 'must be a non-negative integer' });
  problems.push(...validateContactHistory(schema.contactHistory).map((p) => ({ field: `schema.${p.field}`, message: p.message })));
  if (problems.length > before) return undefined;
  const contactHistory = schema.contactHistory as { window: string } | undefined;
  const features = schema.features as FeatureSpec[];
  const channels = schema.channels as string[];
  let dimension: number;
  try {
    dimension = compileEncoder({ features, channels, contactHistory }).dimension;
  } catch (error) {
    problems.push({ field: 'schema.features', message: (error as Error).message });
    return undefined;
  }
  if (dimension !== schema.dimension) {
    problems.push({ field: 'schema.dimension', message: `is ${String(schema.dimension)} but the features and channels encode to ${dimension}` });
    return undefined;
  }
  return { features, channels, ...(contactHistory ? { contactHistory } : {}), dimension, version: schema.version as number };
}

function checkActions(
  actions: unknown,
  formatVersion: number,
  declared: DeclaredChannels,
  engagement: Map<string, Partial<EngagementPolicy>>,
  problems: FieldProblem[],
): Snapshot['actions'] | undefined {
  if (!Array.isArray(actions)) {
    problems.push({ field: 'actions', message: 'must be an array' });
    return undefined;
  }
  const before = problems.length;
  const ids = new Set<string>();
  actions.forEach((a: unknown, i) => {
    const at = `actions.${i}`;
    if (!isObj(a)) return void problems.push({ field: at, message: 'must be an object' });
    if (typeof a.id !== 'string' || a.id.trim() === '') problems.push({ field: `${at}.id`, message: 'must be a non-empty string' });
    else if (ids.has(a.id)) problems.push({ field: `${at}.id`, message: `duplicate action '${a.id}'` });
    else ids.add(a.id);
    if (typeof a.name !== 'string') problems.push({ field: `${at}.name`, message: 'must be a string' });
    if (!CATEGORIES.includes(a.category as never)) problems.push({ field: `${at}.category`, message: `must be one of ${CATEGORIES.join(', ')}` });
    if (!isFiniteNumber(a.value) || a.value < 0) problems.push({ field: `${at}.value`, message: 'must be a finite number ≥ 0' });
    if (!isFiniteNumber(a.lever) || a.lever <= 0) problems.push({ field: `${at}.lever`, message: 'must be a finite number > 0' });
    if (!Array.isArray(a.channels) || !a.channels.every((c) => typeof c === 'string' && c.trim() !== '')) {
      problems.push({ field: `${at}.channels`, message: 'must be a list of non-empty strings' });
    }
    if (typeof a.active !== 'boolean') problems.push({ field: `${at}.active`, message: 'must be a boolean' });
    if (!LIKELIHOODS.includes(a.likelihood as Likelihood)) problems.push({ field: `${at}.likelihood`, message: 'must be logistic or linear' });
    const fields = checkEngagement(a, at, formatVersion, declared, problems);
    if (fields && typeof a.id === 'string') engagement.set(a.id, fields);
  });
  return problems.length > before ? undefined : (actions as Snapshot['actions']);
}

function checkModel(
  m: unknown,
  at: string,
  schema: Snapshot['schema'],
  likelihoodOf: Map<string, Likelihood>,
  seen: Set<string>,
  problems: FieldProblem[],
): Posterior | undefined {
  if (!isObj(m)) return void problems.push({ field: at, message: 'must be an object' });
  const before = problems.length;
  const actionLikelihood = typeof m.actionId === 'string' ? likelihoodOf.get(m.actionId) : undefined;
  if (typeof m.actionId !== 'string' || actionLikelihood === undefined) {
    problems.push({ field: `${at}.actionId`, message: 'must name an action of the snapshot' });
  } else if (seen.has(m.actionId)) {
    problems.push({ field: `${at}.actionId`, message: `second model for '${m.actionId}'` });
  } else {
    seen.add(m.actionId);
  }
  if (m.schemaVersion !== schema.version) {
    problems.push({ field: `${at}.schemaVersion`, message: `is ${String(m.schemaVersion)}, the snapshot's schema is version ${schema.version}` });
  }
  if (!LIKELIHOODS.includes(m.likelihood as Likelihood)) problems.push({ field: `${at}.likelihood`, message: 'must be logistic or linear' });
  else if (actionLikelihood !== undefined && m.likelihood !== actionLikelihood) {
    problems.push({ field: `${at}.likelihood`, message: `is ${String(m.likelihood)} but the action uses ${actionLikelihood}` });
  }
  if (m.d !== schema.dimension) {
    problems.push({ field: `${at}.d`, message: `is ${String(m.d)}, the snapshot's schema has dimension ${schema.dimension}` });
    return undefined;
  }
  const d = schema.dimension;
  const linear = m.likelihood === 'linear';
  for (const key of ['a', 'b'] as const) {
    const v = m[key];
    if (!isFiniteNumber(v) || (linear ? v <= 0 : v < 0)) {
      problems.push({ field: `${at}.${key}`, message: linear ? 'must be a finite number > 0' : 'must be a finite number ≥ 0' });
    }
  }
  if (!isFiniteNumber(m.observations) || m.observations < 0) problems.push({ field: `${at}.observations`, message: 'must be a finite number ≥ 0' });
  const mean = floatArray(m.mean, d, `${at}.mean`, problems);
  const precision = floatArray(m.precision, d * d, `${at}.precision`, problems);
  if (!mean || !precision || problems.length > before) return undefined;
  for (let i = 0; i < d; i += 1) {
    for (let j = 0; j < i; j += 1) {
      const scale = Math.sqrt(Math.abs(precision[i * d + i]! * precision[j * d + j]!));
      if (Math.abs(precision[i * d + j]! - precision[j * d + i]!) > SYMMETRY_TOLERANCE * scale) {
        problems.push({ field: `${at}.precision`, message: `is not symmetric (entries ${i},${j} and ${j},${i} differ)` });
        return undefined;
      }
    }
  }
  const cholPrecision = new Float64Array(d * d);
  if (!cholesky(precision, d, cholPrecision)) {
    problems.push({ field: `${at}.precision`, message: 'is not positive definite' });
    return undefined;
  }
  const model = m as unknown as SnapshotModel;
  return { likelihood: model.likelihood, d, mean, precision, cholPrecision, a: model.a, b: model.b, observations: model.observations };
}

/** Validates a parsed snapshot completely; on success returns it with posteriors ready to store. */
export function validateSnapshot(doc: unknown): SnapshotCheck {
  const problems: FieldProblem[] = [];
  if (!isObj(doc)) return { ok: false, problems: [{ field: '', message: 'the snapshot must be a JSON object' }] };
  if (doc.format !== SNAPSHOT_FORMAT) {
    return { ok: false, problems: [{ field: 'format', message: `must be '${SNAPSHOT_FORMAT}' (is this a Kairos snapshot?)` }] };
  }
  if (!READABLE_FORMAT_VERSIONS.includes(doc.formatVersion as number)) {
    return { ok: false, problems: [{ field: 'formatVersion', message: `is ${String(doc.formatVersion)}; this build reads versions ${READABLE_FORMAT_VERSIONS.join(' and ')}` }] };
  }
  const formatVersion = doc.formatVersion as number;
  if (typeof doc.exportedAt !== 'string') problems.push({ field: 'exportedAt', message: 'must be a string' });
  if (!isCount(doc.appliedSeq)) problems.push({ field: 'appliedSeq', message: 'must be a non-negative integer' });
  const schema = checkSchema(doc.schema, problems);
  // Version 1 declares no channels: the actions' channels are checked against the target database's at import.
  const channels = formatVersion >= 2 ? checkChannels(doc.channels, problems) : undefined;
  const declared = channels?.declared ?? declaredChannels([]);
  // When the channels themselves are bad, their problems are reported; thresholds are not judged against them.
  const channelsKnown = formatVersion < 2 || channels !== undefined;
  const contactPolicy =
    formatVersion >= 2 ? checkContactPolicy(doc.contactPolicy, (id) => !channelsKnown || declared.channel(id) !== undefined, problems) : undefined;
  const engagement = new Map<string, Partial<EngagementPolicy>>();
  const actions = checkActions(doc.actions, formatVersion, declared, engagement, problems);
  if (!Array.isArray(doc.models)) problems.push({ field: 'models', message: 'must be an array' });
  if (!schema || !actions || !Array.isArray(doc.models)) return { ok: false, problems };

  const likelihoodOf = new Map(actions.map((a) => [a.id, a.likelihood]));
  const seen = new Set<string>();
  const posteriors: ValidatedSnapshot['posteriors'] = [];
  doc.models.forEach((m: unknown, i) => {
    const posterior = checkModel(m, `models.${i}`, schema, likelihoodOf, seen, problems);
    if (posterior) posteriors.push({ actionId: (m as Obj).actionId as string, posterior });
  });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      snapshot: { ...(doc as unknown as Snapshot), schema, actions },
      posteriors,
      engagement,
      channels: channels?.writes,
      contactPolicy,
    },
  };
}
