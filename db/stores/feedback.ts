/**
 * The append-only feedback log. `seq` (AUTOINCREMENT, so never reused) is the learner's cursor: it reads rows
 * after its applied seq, in seq order, and stores the new cursor with the posteriors it produced.
 */
import { transaction, type Db } from '../open.js';
import { activateDecision } from './decisions.js';
import { perDb } from './statement-cache.js';
import { blobToFloat64 } from './float64-blob.js';

export interface FeedbackRecord {
  seq: number;
  decisionId: string;
  actionId: string;
  outcome: 'response' | 'ignore';
  reward: number | null;
  /** Unix ms. */
  createdAt: number;
  source: 'client' | 'timeout' | 'import';
}

/**
 * A feedback row with what learning needs from its decision: the stored context x and, from the decided action,
 * `recentIgnores` — the customer's ignores of that action within the contact-history window when it was decided
 * (0 for decisions without it), which the learner writes into x's `history.ignores` slot.
 */
/**
 * `propensity`: the model's predictive response probability for this action when it decided (decision_actions), the
 * prequential score of model quality (src/quality); null when the action row is missing.
 */
export type LearnRow = FeedbackRecord & { x: Float64Array; schemaVersion: number; recentIgnores: number; propensity: number | null };

interface FeedbackRow {
  seq: number;
  decision_id: string;
  action_id: string;
  outcome: FeedbackRecord['outcome'];
  reward: number | null;
  created_at: number;
  source: FeedbackRecord['source'];
}

const COLUMNS = 'f.seq, f.decision_id, f.action_id, f.outcome, f.reward, f.created_at, f.source';

function prepare(db: Db) {
  const s = db.sqlite;
  return {
    insert: s.prepare<[string, string, string, number | null, number, string], { seq: number }>(
      `INSERT INTO feedback (decision_id, action_id, outcome, reward, created_at, source) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (decision_id, action_id) DO NOTHING RETURNING seq`,
    ),
    existing: s.prepare<[string, string], FeedbackRow>(
      `SELECT ${COLUMNS} FROM feedback f WHERE f.decision_id = ? AND f.action_id = ?`,
    ),
    // recent_ignores comes from the decided action (decision_id, action_id); a LEFT JOIN, so an outcome whose action
    // row is missing is still learned, with 0. A decision lists an action at most once, so the join adds no rows.
    after: s.prepare<[number, number], FeedbackRow & { x: Buffer; schema_version: number; recent_ignores: number; propensity: number | null }>(
      `SELECT ${COLUMNS}, d.x, d.schema_version, coalesce(da.recent_ignores, 0) AS recent_ignores, da.propensity
       FROM feedback f JOIN decisions d ON d.id = f.decision_id
       LEFT JOIN decision_actions da ON da.decision_id = f.decision_id AND da.action_id = f.action_id
       WHERE f.seq > ? ORDER BY f.seq LIMIT ?`,
    ),
    maxSeq: s.prepare<[], { seq: number }>('SELECT coalesce(max(seq), 0) AS seq FROM feedback'),
  };
}

const stmts = perDb(prepare);

const toRecord = (row: FeedbackRow): FeedbackRecord => ({
  seq: row.seq,
  decisionId: row.decision_id,
  actionId: row.action_id,
  outcome: row.outcome,
  reward: row.reward,
  createdAt: row.created_at,
  source: row.source,
});

/**
 * Appends one outcome. At most one outcome per (decision, action): when one exists already, nothing is written
 * and the stored one is returned. The caller checks that the decision exists and chose the action.
 */
export function insertFeedback(
  db: Db,
  input: Omit<FeedbackRecord, 'seq'>,
): { inserted: true; record: FeedbackRecord } | { inserted: false; existing: FeedbackRecord } {
  const s = stmts(db);
  const row = s.insert.get(input.decisionId, input.actionId, input.outcome, input.reward, input.createdAt, input.source);
  if (row) return { inserted: true, record: { seq: row.seq, ...input } };
  const existing = s.existing.get(input.decisionId, input.actionId);
  if (!existing) throw new Error(`feedback for ${input.decisionId}/${input.actionId} conflicted but cannot be read`);
  return { inserted: false, existing: toRecord(existing) };
}

/**
 * An outcome on a decision not yet activated activates it implicitly (DESIGN.md §8.5): its contact rows are written
 * (at the outcome's time) before the feedback row, in one transaction, so the contacts_outcome trigger fills them.
 */
export function insertFeedbackActivating(db: Db, input: Omit<FeedbackRecord, 'seq'>): ReturnType<typeof insertFeedback> {
  return transaction(db, () => {
    activateDecision(db, input.decisionId, input.createdAt);
    return insertFeedback(db, input);
  });
}

/**
 * Up to `limit` outcomes with seq > afterSeq, in seq order, each joined with its decision's encoded context and its
 * decided action's recent ignores.
 * An outcome whose decision row is missing has nothing to learn from and is skipped.
 */
export function readFeedbackAfter(db: Db, afterSeq: number, limit: number): LearnRow[] {
  return stmts(db)
    .after.all(afterSeq, limit)
    .map((row) => ({
      ...toRecord(row),
      x: blobToFloat64(row.x),
      schemaVersion: row.schema_version,
      recentIgnores: row.recent_ignores,
      propensity: row.propensity,
    }));
}

/** The highest seq written so far; 0 when the log is empty. */
export function maxFeedbackSeq(db: Db): number {
  return stmts(db).maxSeq.get()!.seq;
}
