/**
 * The SQLite side of the metrics port (src/metrics/types.ts): O(1) reads on primary keys and pragmas, and the
 * feedback rows since the last scrape as a bounded primary-key range.
 */
import { statSync } from 'node:fs';
import type { FeedbackOutcome, FeedbackSource, MetricsReads } from '../../src/metrics/types.js';
import type { Db } from '../open.js';
import { perDb } from './statement-cache.js';

const stmts = perDb((db: Db) => ({
  // max(seq) on an INTEGER PRIMARY KEY reads the b-tree's last entry; sqlite_sequence also remembers deleted rows'
  // seqs (retention), so the latest seq stays right after a prune of the whole log.
  latestSeq: db.sqlite.prepare<[], { seq: number | null }>(
    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'feedback'), 0), coalesce((SELECT max(seq) FROM feedback), 0)) AS seq",
  ),
  applied: db.sqlite.prepare<[], { applied_seq: number }>('SELECT applied_seq FROM learner_state WHERE id = 1'),
  unapplied: db.sqlite.prepare<[number], { count: number }>(
    `SELECT count(*) AS count FROM (SELECT 1 FROM feedback
     WHERE seq > coalesce((SELECT applied_seq FROM learner_state WHERE id = 1), 0) LIMIT ?)`,
  ),
  after: db.sqlite.prepare<[number, number], { outcome: FeedbackOutcome; source: FeedbackSource; count: number; last: number }>(
    `SELECT outcome, source, count(*) AS count, max(seq) AS last
     FROM (SELECT seq, outcome, source FROM feedback WHERE seq > ? ORDER BY seq LIMIT ?)
     GROUP BY outcome, source`,
  ),
  pageCount: db.sqlite.prepare<[], { page_count: number }>('PRAGMA page_count'),
  pageSize: db.sqlite.prepare<[], { page_size: number }>('PRAGMA page_size'),
}));

/** A file's size in bytes; 0 when it does not exist (no WAL yet, or just checkpointed away). */
function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export function createSqliteMetricsReads(db: Db): MetricsReads {
  return {
    latestFeedbackSeq: () => stmts(db).latestSeq.get()?.seq ?? 0,
    appliedSeq: () => stmts(db).applied.get()?.applied_seq ?? 0,
    unappliedOutcomes: (limit) => stmts(db).unapplied.get(limit)?.count ?? 0,
    feedbackAfter(afterSeq, limit) {
      const rows = stmts(db).after.all(afterSeq, limit);
      let lastSeq = afterSeq;
      for (const row of rows) lastSeq = Math.max(lastSeq, row.last);
      return { counts: rows.map(({ outcome, source, count }) => ({ outcome, source, count })), lastSeq };
    },
    databaseBytes() {
      const s = stmts(db);
      const main = (s.pageCount.get()?.page_count ?? 0) * (s.pageSize.get()?.page_size ?? 0);
      return { main, wal: fileBytes(`${db.file}-wal`) };
    },
  };
}
