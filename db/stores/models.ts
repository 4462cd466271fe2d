/**
 * Stored posteriors, one row per action. Writes are versioned: the learner saves optimistically (it read version
 * v, it writes v+1 only if the row is still at v), so an ops script's reset or warm-start between the learner's
 * read and write is never silently overwritten.
 */
import type { Likelihood, Posterior } from '../../src/core/types.js';
import type { Db } from '../open.js';
import { perDb } from './statement-cache.js';
import { posteriorFromRow, posteriorParams, type PosteriorRow } from './posterior-columns.js';

export interface ModelRecord {
  actionId: string;
  schemaVersion: number;
  posterior: Posterior;
  /** 1 after the first write, +1 on every write. */
  version: number;
  updatedAt: number;
}

interface ModelRow extends PosteriorRow {
  action_id: string;
  schema_version: number;
  likelihood: Likelihood;
  version: number;
  updated_at: number;
}

const COLUMNS = 'action_id, schema_version, likelihood, dimension, mean, precision, chol_precision, a, b, observations, version, updated_at';
const VALUES = '@actionId, @schemaVersion, @likelihood, @dimension, @mean, @precision, @cholPrecision, @a, @b, @observations';
const SET = `schema_version = @schemaVersion, likelihood = @likelihood, dimension = @dimension, mean = @mean,
  precision = @precision, chol_precision = @cholPrecision, a = @a, b = @b, observations = @observations, updated_at = @updatedAt`;

function prepare(db: Db) {
  const s = db.sqlite;
  return {
    all: s.prepare<[], ModelRow>(`SELECT ${COLUMNS} FROM models ORDER BY action_id`),
    one: s.prepare<[string], ModelRow>(`SELECT ${COLUMNS} FROM models WHERE action_id = ?`),
    insertIfAbsent: s.prepare(`INSERT INTO models (${COLUMNS}) VALUES (${VALUES}, 1, @updatedAt) ON CONFLICT (action_id) DO NOTHING`),
    updateIfVersion: s.prepare(`UPDATE models SET ${SET}, version = @expected + 1 WHERE action_id = @actionId AND version = @expected`),
    upsert: s.prepare<[Record<string, unknown>], { version: number }>(
      `INSERT INTO models (${COLUMNS}) VALUES (${VALUES}, 1, @updatedAt)
       ON CONFLICT (action_id) DO UPDATE SET ${SET}, version = models.version + 1 RETURNING version`,
    ),
    remove: s.prepare<[string]>('DELETE FROM models WHERE action_id = ?'),
    removeAll: s.prepare('DELETE FROM models'),
  };
}

const stmts = perDb(prepare);

function toRecord(row: ModelRow): ModelRecord {
  return {
    actionId: row.action_id,
    schemaVersion: row.schema_version,
    posterior: posteriorFromRow(row.likelihood, row),
    version: row.version,
    updatedAt: row.updated_at,
  };
}

function params(actionId: string, schemaVersion: number, post: Posterior, nowMs: number): Record<string, unknown> {
  return { actionId, schemaVersion, likelihood: post.likelihood, ...posteriorParams(post), updatedAt: nowMs };
}

/** Every stored model, by action id. Arrays are fresh copies. */
export function loadModels(db: Db): ModelRecord[] {
  return stmts(db).all.all().map(toRecord);
}

export function loadModel(db: Db, actionId: string): ModelRecord | undefined {
  const row = stmts(db).one.get(actionId);
  return row ? toRecord(row) : undefined;
}

/**
 * Optimistic write. expectedVersion 0: inserts only when the action has no row; otherwise updates only when the
 * stored version still equals expectedVersion. On success the new version is expectedVersion + 1 and the record
 * holds `posterior` itself (not a copy); null on conflict.
 */
export function saveModel(
  db: Db,
  actionId: string,
  schemaVersion: number,
  posterior: Posterior,
  expectedVersion: number,
  nowMs: number,
): ModelRecord | null {
  const p = params(actionId, schemaVersion, posterior, nowMs);
  const s = stmts(db);
  const changes = expectedVersion === 0 ? s.insertIfAbsent.run(p).changes : s.updateIfVersion.run({ ...p, expected: expectedVersion }).changes;
  if (changes !== 1) return null;
  return { actionId, schemaVersion, posterior, version: expectedVersion + 1, updatedAt: nowMs };
}

/** Unconditional write (ops scripts): version = stored version + 1, or 1 for a new row. */
export function putModel(db: Db, actionId: string, schemaVersion: number, posterior: Posterior, nowMs: number): ModelRecord {
  const row = stmts(db).upsert.get(params(actionId, schemaVersion, posterior, nowMs))!;
  return { actionId, schemaVersion, posterior, version: row.version, updatedAt: nowMs };
}

/** Removes the action's model (it falls back to the prior); true when a row existed. */
export function deleteModel(db: Db, actionId: string): boolean {
  return stmts(db).remove.run(actionId).changes === 1;
}

/** Removes every model; returns how many there were. */
export function deleteAllModels(db: Db): number {
  return stmts(db).removeAll.run().changes;
}
