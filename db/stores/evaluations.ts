/**
 * Off-policy evaluations in SQLite: the `evaluations` table (src/evaluation/evaluation-store.ts is the port) and the
 * reader of a window of the decision log in time order, which the evaluation worker runs on its own read-only
 * connection (workers/evaluation-worker.ts).
 */
import type { EvaluationRecord, EvaluationStore, WindowSummary } from '../../src/evaluation/evaluation-store.js';
import type { LoggedDecision, LoggedOutcome } from '../../src/evaluation/types.js';
import Database from 'better-sqlite3';
import type { Db } from '../open.js';
import { blobToFloat64 } from './float64-blob.js';
import { perDb } from './statement-cache.js';

interface EvaluationRow {
  id: string;
  created_at: number;
  status: EvaluationRecord['status'];
  progress: number;
  request: string;
  rows: number;
  results: string | null;
  error: string | null;
  finished_at: number | null;
}

/** (created_at, id) of a window, channel optional: the bounds every window query shares. */
const WINDOW = `d.created_at >= @from AND d.created_at < @to AND (@channel IS NULL OR d.channel = @channel)`;
/** A decision whose logged probability of its own choice cannot weight it (DESIGN.md §9.2: refused, never 1). */
const UNUSABLE = `(d.probability_method IS NULL OR d.probability_method = 'off'
  OR (d.offered = 0 AND NOT coalesce(d.no_action_probability, 0) > 0)
  OR (d.offered > 0 AND NOT coalesce((SELECT da.probability FROM decision_actions da WHERE da.decision_id = d.id AND da.slot = 0), 0) > 0))`;

function prepare(db: Db) {
  const s = db.sqlite;
  return {
    summary: s.prepare<{ from: number; to: number; channel: string | null }, { decisions: number; closed: number | null; unusable: number | null; unusable_from: number | null; unusable_to: number | null }>(
      // UNUSABLE (a correlated subquery) is evaluated once per decision, in the derived table, not once per aggregate.
      `SELECT count(*) AS decisions, sum(closed) AS closed, sum(unusable) AS unusable,
         min(CASE WHEN unusable THEN created_at END) AS unusable_from, max(CASE WHEN unusable THEN created_at END) AS unusable_to
       FROM (SELECT d.created_at AS created_at, (d.status = 'closed' OR EXISTS (SELECT 1 FROM feedback f WHERE f.decision_id = d.id)) AS closed,
               ${UNUSABLE} AS unusable
             FROM decisions d WHERE ${WINDOW})`,
    ),
    insert: s.prepare<[string, number, string, number, string, number]>(
      'INSERT INTO evaluations (id, created_at, status, progress, request, rows) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    progress: s.prepare<[number, string]>(`UPDATE evaluations SET progress = ? WHERE id = ? AND status = 'running'`),
    finish: s.prepare<[string, number, string]>(`UPDATE evaluations SET status = 'done', progress = 1, results = ?, finished_at = ? WHERE id = ? AND status = 'running'`),
    fail: s.prepare<[string, number, string]>(`UPDATE evaluations SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status = 'running'`),
    failRunning: s.prepare<[string, number]>(`UPDATE evaluations SET status = 'failed', error = ?, finished_at = ? WHERE status = 'running'`),
    get: s.prepare<[string], EvaluationRow>('SELECT * FROM evaluations WHERE id = ?'),
    list: s.prepare<[number], EvaluationRow>('SELECT * FROM evaluations ORDER BY created_at DESC, id DESC LIMIT ?'),
  };
}

const stmts = perDb(prepare);

function recordOf(row: EvaluationRow): EvaluationRecord {
  return {
    id: row.id,
    createdAt: row.created_at,
    status: row.status,
    progress: row.progress,
    request: JSON.parse(row.request),
    rows: row.rows,
    outcome: row.results === null ? null : JSON.parse(row.results),
    error: row.error,
    finishedAt: row.finished_at,
  };
}

export function createSqliteEvaluationStore(db: Db): EvaluationStore {
  const s = stmts(db);
  return {
    summarize(window): WindowSummary {
      const row = s.summary.get(window)!;
      return { decisions: row.decisions, closed: row.closed ?? 0, unusable: row.unusable ?? 0, unusableFrom: row.unusable_from, unusableTo: row.unusable_to };
    },
    create(r) {
      s.insert.run(r.id, r.createdAt, r.status, r.progress, JSON.stringify(r.request), r.rows);
    },
    setProgress: (id, progress) => void s.progress.run(progress, id),
    finish: (id, outcome, at) => void s.finish.run(JSON.stringify(outcome), at, id),
    fail: (id, error, at) => void s.fail.run(error, at, id),
    get(id) {
      const row = s.get.get(id);
      return row ? recordOf(row) : undefined;
    },
    list: (limit) => s.list.all(limit).map(recordOf),
    failRunning: (error, at) => s.failRunning.run(error, at).changes,
  };
}

interface LogRow {
  id: string;
  created_at: number;
  channel: string;
  schema_version: number;
  x: Buffer;
  status: 'pending' | 'closed';
  offered: number;
  value: number;
  no_action_probability: number | null;
  candidates: string | null;
  top_action: string | null;
  top_probability: number | null;
}

interface OutcomeRow {
  decision_id: string;
  action_id: string;
  outcome: 'response' | 'ignore';
  reward: number | null;
  recent_ignores: number;
}

export interface WindowQuery {
  from: number;
  to: number;
  channel: string | null;
}

/** Position in the log: the last (created_at, id) read; null before the first chunk. */
export type LogCursor = { createdAt: number; id: string } | null;

const AFTER = `(d.created_at > @afterAt OR (d.created_at = @afterAt AND d.id > @afterId))`;

function prepareReader(db: Db) {
  const s = db.sqlite;
  return {
    chunk: s.prepare<WindowQuery & { afterAt: number; afterId: string; limit: number }, LogRow>(
      `SELECT d.id, d.created_at, d.channel, d.schema_version, d.x, d.status, d.offered, d.value, d.no_action_probability,
         c.actions AS candidates, da.action_id AS top_action, da.probability AS top_probability
       FROM decisions d LEFT JOIN candidate_sets c ON c.id = d.candidate_set
         LEFT JOIN decision_actions da ON da.decision_id = d.id AND da.slot = 0
       WHERE ${WINDOW} AND ${AFTER} ORDER BY d.created_at, d.id LIMIT @limit`,
    ),
    outcomes: s.prepare<WindowQuery & { afterAt: number; afterId: string; lastAt: number; lastId: string }, OutcomeRow>(
      `SELECT f.decision_id, f.action_id, f.outcome, f.reward, da.recent_ignores
       FROM decisions d JOIN feedback f ON f.decision_id = d.id
         JOIN decision_actions da ON da.decision_id = d.id AND da.action_id = f.action_id
       WHERE ${WINDOW} AND ${AFTER} AND (d.created_at < @lastAt OR (d.created_at = @lastAt AND d.id <= @lastId))
       ORDER BY f.seq`,
    ),
  };
}

const readers = perDb(prepareReader);

/** The next `limit` decisions of the window after `cursor`, in (created_at, id) order, with their outcomes. */
export function readLogChunk(db: Db, window: WindowQuery, cursor: LogCursor, limit: number): LoggedDecision[] {
  const s = readers(db);
  const after = { afterAt: cursor?.createdAt ?? Number.MIN_SAFE_INTEGER, afterId: cursor?.id ?? '' };
  const rows = s.chunk.all({ ...window, ...after, limit });
  if (rows.length === 0) return [];
  const last = rows[rows.length - 1]!;
  const outcomes = new Map<string, LoggedOutcome[]>();
  for (const o of s.outcomes.all({ ...window, ...after, lastAt: last.created_at, lastId: last.id })) {
    const list = outcomes.get(o.decision_id) ?? [];
    list.push({ actionId: o.action_id, outcome: o.outcome, reward: o.reward, recentIgnores: o.recent_ignores });
    outcomes.set(o.decision_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    channel: r.channel,
    schemaVersion: r.schema_version,
    x: blobToFloat64(r.x),
    status: r.status,
    offered: r.offered,
    value: r.value,
    topAction: r.top_action,
    topProbability: r.top_probability,
    noActionProbability: r.no_action_probability,
    candidates: r.candidates === null ? null : r.candidates === '' ? [] : r.candidates.split('\n'),
    outcomes: outcomes.get(r.id) ?? [],
  }));
}

/** A read-only connection of its own over the log (the evaluation worker's), reading chunks in time order. */
export interface LogReader {
  read(window: WindowQuery, cursor: LogCursor, limit: number): LoggedDecision[];
  close(): void;
}

export function openLogReader(file: string): LogReader {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  const db = { sqlite, file } as unknown as Db;
  return { read: (window, cursor, limit) => readLogChunk(db, window, cursor, limit), close: () => sqlite.close() };
}
