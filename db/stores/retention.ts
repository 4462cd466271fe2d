/**
 * Retention in SQLite: deletes old decisions that can no longer matter to learning, with their chosen actions and their
 * feedback; and, on their own cutoff, contact rows no limit, suppression or history slot can still need. The running counts in `action_counts` are lifetime totals kept by insert
 * triggers and are not touched. Feedback seq is AUTOINCREMENT, so deleted seqs are never reused and the learner's
 * cursor stays meaningful.
 */
import { transaction, type Db } from '../open.js';
import { pruneExpiredEvents } from './customers.js';
import { perDb } from './statement-cache.js';

/** The retention job's storage port. */
export interface RetentionStore {
  /**
   * Deletes at most `limit` decisions created before `cutoffMs` that are closed and learned (every feedback row of
   * theirs has seq ≤ the learner's applied cursor), with their actions and feedback, in one transaction.
   * Returns the decisions deleted.
   */
  pruneBatch(cutoffMs: number, limit: number): number;
  /** Deletes at most `limit` customer events with `expires_at <= nowMs` (DESIGN.md §8.1). Returns the events deleted. */
  pruneEvents(nowMs: number, limit: number): number;
  /** Deletes at most `limit` contact rows offered, and answered, before `cutoffMs`. Returns the rows deleted. */
  pruneContacts(cutoffMs: number, limit: number): number;
}

const stmts = perDb((db: Db) => {
  const s = db.sqlite;
  return {
    // Oldest first on the (status, created_at) index; the NOT EXISTS probe uses feedback's (decision_id, action_id)
    // unique index. A pending decision is never chosen, nor one with an outcome the learner has not folded in.
    prunable: s.prepare<[number, number], { id: string }>(
      `SELECT d.id FROM decisions d
       WHERE d.status = 'closed' AND d.created_at < ?
         AND NOT EXISTS (
           SELECT 1 FROM feedback f WHERE f.decision_id = d.id
             AND f.seq > (SELECT coalesce(max(applied_seq), 0) FROM learner_state)
         )
       ORDER BY d.created_at LIMIT ?`,
    ),
    deleteFeedback: s.prepare<[string]>('DELETE FROM feedback WHERE decision_id = ?'),
    // A contact row outlives its decision while a limit, a suppression rule or a history slot can still count it (its
    // own cutoff, src/retention/pruner.ts); no foreign key ties it to the decision.
    pruneContacts: s.prepare<[number, number, number]>(
      `DELETE FROM contacts WHERE rowid IN (
         SELECT rowid FROM contacts WHERE at < ? AND coalesce(outcome_at, 0) < ? ORDER BY at LIMIT ?)`,
    ),
    // Also done by ON DELETE CASCADE, but only on connections with foreign_keys on; explicit is cheap and certain.
    deleteActions: s.prepare<[string]>('DELETE FROM decision_actions WHERE decision_id = ?'),
    deleteDecision: s.prepare<[string]>('DELETE FROM decisions WHERE id = ?'),
  };
});

export function pruneDecisions(db: Db, cutoffMs: number, limit: number): number {
  const s = stmts(db);
  return transaction(db, () => {
    let deleted = 0;
    for (const { id } of s.prunable.all(cutoffMs, limit)) {
      s.deleteFeedback.run(id);
      s.deleteActions.run(id);
      deleted += s.deleteDecision.run(id).changes;
    }
    return deleted;
  });
}

export function createSqliteRetentionStore(db: Db): RetentionStore {
  return {
    pruneBatch: (cutoffMs, limit) => pruneDecisions(db, cutoffMs, limit),
    pruneEvents: (nowMs, limit) => pruneExpiredEvents(db, nowMs, limit),
    pruneContacts: (cutoffMs, limit) => stmts(db).pruneContacts.run(cutoffMs, cutoffMs, limit).changes,
  };
}
