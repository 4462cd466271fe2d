/**
 * The snapshot file: the current feature schema, the catalog (with each action's engagement policies), the declared
 * channels, the contact policy and every model learned under that schema, as plain JSON. Format version 2 added
 * `channels` and `contactPolicy`; a version-1 file has neither (import then leaves them as they are). Numbers are written in JavaScript's shortest round-trip form, so every float64 reads back to the
 * same bits (and -0 is written as `-0`, which JSON.parse also reads back exactly). `cholPrecision` is not
 * stored: it is recomputed from `precision` on import.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { Db } from '../../db/open.js';
import { getCurrentSchema, listActions, type ActionRecord } from '../../db/stores/catalog.js';
import { createSqliteChannelStore } from '../../db/stores/channels.js';
import { createSqliteContactPolicyStore } from '../../db/stores/contact-policy.js';
import { getAppliedSeq } from '../../db/stores/learner-state.js';
import { loadModels, type ModelRecord } from '../../db/stores/models.js';
import type { FeatureSpec } from '../../src/core/encoding.js';
import type { Likelihood } from '../../src/core/types.js';
import { EMPTY_POLICY } from '../../src/policies/compile.js';
import type { ChannelLimit, ContactPolicy, Direction } from '../../src/policies/types.js';
import type { OutputStream } from './args.js';

export const SNAPSHOT_FORMAT = 'kairos-snapshot';
/** Written by this build; 2 added `channels` and `contactPolicy`. */
export const SNAPSHOT_FORMAT_VERSION = 2;
/** Read by this build: version 1 files (before channels and the contact policy) still import. */
export const READABLE_FORMAT_VERSIONS: readonly number[] = [1, 2];

/** A declared channel: the fields of PUT /v1/channels/{id}, plus its id and creation time (Unix ms, keeps the list's order). */
export interface SnapshotChannel {
  id: string;
  name: string;
  direction: Direction;
  contactCost: number;
  limit: ChannelLimit | null;
  createdAt: number;
}

export interface SnapshotSchema {
  features: FeatureSpec[];
  channels: string[];
  /** The schema's contact-history option (absent = none; files written before it have none). */
  contactHistory?: { window: string };
  dimension: number;
  version: number;
}

/** One posterior; `precision` is d*d row-major. */
export interface SnapshotModel {
  actionId: string;
  schemaVersion: number;
  likelihood: Likelihood;
  d: number;
  mean: number[];
  precision: number[];
  a: number;
  b: number;
  observations: number;
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  formatVersion: number;
  /** ISO 8601 time of the export. */
  exportedAt: string;
  schema: SnapshotSchema;
  actions: ActionRecord[];
  /** Absent in version 1. */
  channels?: SnapshotChannel[];
  /** The document of GET /v1/contact-policy; absent in version 1. */
  contactPolicy?: ContactPolicy;
  models: SnapshotModel[];
  /** The source database's learner cursor at export time (provenance only; import does not apply it). */
  appliedSeq: number;
}

/** What an export will write, plus the stored models it leaves out and why. */
export interface SnapshotPlan {
  header: Omit<Snapshot, 'models'>;
  models: ModelRecord[];
  skipped: { actionId: string; reason: string }[];
}

function isFiniteArray(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i += 1) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

/**
 * Reads what to export: models of catalog actions learned under the current schema with the action's
 * likelihood (anything else the service already treats as the prior, so it is left out and listed).
 * Returns undefined when the database has no schema.
 */
export function planSnapshot(db: Db, now: Date): SnapshotPlan | undefined {
  const schema = getCurrentSchema(db);
  if (!schema) return undefined;
  const actions = listActions(db);
  const byId = new Map(actions.map((a) => [a.id, a]));
  const models: ModelRecord[] = [];
  const skipped: SnapshotPlan['skipped'] = [];
  for (const rec of loadModels(db)) {
    const action = byId.get(rec.actionId);
    const p = rec.posterior;
    let reason: string | undefined;
    if (!action) reason = 'no such action in the catalog';
    else if (rec.schemaVersion !== schema.version || p.d !== schema.dimension) reason = `learned under schema version ${rec.schemaVersion}`;
    else if (p.likelihood !== action.likelihood) reason = `${p.likelihood} model for a ${action.likelihood} action`;
    else if (!isFiniteArray(p.mean) || !isFiniteArray(p.precision) || !Number.isFinite(p.a) || !Number.isFinite(p.b)) {
      reason = 'non-finite values (corrupt model)';
    }
    if (reason) skipped.push({ actionId: rec.actionId, reason });
    else models.push(rec);
  }
  return {
    header: {
      format: SNAPSHOT_FORMAT,
      formatVersion: SNAPSHOT_FORMAT_VERSION,
      exportedAt: now.toISOString(),
      schema: {
        features: schema.features,
        channels: schema.channels,
        ...(schema.contactHistory ? { contactHistory: schema.contactHistory } : {}),
        dimension: schema.dimension,
        version: schema.version,
      },
      actions,
      channels: createSqliteChannelStore(db)
        .list()
        .map((c) => ({
          id: c.id,
          name: c.name,
          direction: c.direction,
          contactCost: c.contactCost,
          limit: c.limitContacts !== null && c.limitPer !== null ? { contacts: c.limitContacts, per: c.limitPer } : null,
          createdAt: c.createdAt,
        })),
      contactPolicy: createSqliteContactPolicyStore(db).get() ?? EMPTY_POLICY,
      appliedSeq: getAppliedSeq(db),
    },
    models,
    skipped,
  };
}

/** A float64 as a JSON number that parses back to the same bits (JSON.stringify would turn -0 into 0). */
export function jsonNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} as a JSON number`);
  return Object.is(value, -0) ? '-0' : String(value);
}

function jsonNumbers(values: Float64Array): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i += 1) parts[i] = jsonNumber(values[i]!);
  return `[${parts.join(',')}]`;
}

function modelJson(rec: ModelRecord): string {
  const p = rec.posterior;
  return (
    `{"actionId":${JSON.stringify(rec.actionId)},"schemaVersion":${rec.schemaVersion},` +
    `"likelihood":${JSON.stringify(p.likelihood)},"d":${p.d},"a":${jsonNumber(p.a)},"b":${jsonNumber(p.b)},` +
    `"observations":${jsonNumber(p.observations)},"mean":${jsonNumbers(p.mean)},"precision":${jsonNumbers(p.precision)}}`
  );
}

/**
 * Writes the snapshot chunk by chunk (one model at a time, so memory stays at one model's text) to `sink`.
 * `onModel` is called after each model (progress).
 */
export function writeSnapshot(plan: SnapshotPlan, sink: (chunk: string) => void, onModel?: () => void): void {
  const h = plan.header;
  sink(
    `{\n  "format": ${JSON.stringify(h.format)},\n  "formatVersion": ${h.formatVersion},\n` +
      `  "exportedAt": ${JSON.stringify(h.exportedAt)},\n  "appliedSeq": ${h.appliedSeq},\n` +
      `  "schema": ${JSON.stringify(h.schema)},\n` +
      `  "contactPolicy": ${JSON.stringify(h.contactPolicy ?? EMPTY_POLICY)},\n  "channels": [`,
  );
  const channels = h.channels ?? [];
  channels.forEach((c, i) => sink(`${i === 0 ? '' : ','}\n    ${JSON.stringify(c)}`));
  sink(`${channels.length > 0 ? '\n  ' : ''}],\n  "actions": [`);
  h.actions.forEach((a, i) => sink(`${i === 0 ? '' : ','}\n    ${JSON.stringify(a)}`));
  sink(`${h.actions.length > 0 ? '\n  ' : ''}],\n  "models": [`);
  plan.models.forEach((m, i) => {
    sink(`${i === 0 ? '' : ','}\n    ${modelJson(m)}`);
    onModel?.();
  });
  sink(`${plan.models.length > 0 ? '\n  ' : ''}]\n}\n`);
}

/**
 * Writes to `file` atomically: a temporary file beside it, fsync, then rename — a crash never leaves a
 * half-written snapshot under the final name.
 */
export function writeSnapshotFile(plan: SnapshotPlan, file: string, onModel?: () => void): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSnapshot(plan, (chunk) => void writeSync(fd, chunk), onModel);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, file);
}

/** Writes the snapshot to a stream (`--out -`). */
export function writeSnapshotStream(plan: SnapshotPlan, stream: OutputStream, onModel?: () => void): void {
  writeSnapshot(plan, (chunk) => void stream.write(chunk), onModel);
}
