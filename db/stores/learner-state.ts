/** The learner's cursor: the seq of the last feedback folded into the stored posteriors. */
import type { Db } from '../open.js';
import { perDb } from './statement-cache.js';

const stmts = perDb((db: Db) => ({
  get: db.sqlite.prepare<[], { applied_seq: number }>('SELECT applied_seq FROM learner_state WHERE id = 1'),
  set: db.sqlite.prepare<[number]>(
    'INSERT INTO learner_state (id, applied_seq) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET applied_seq = excluded.applied_seq',
  ),
}));

/** 0 before anything was applied. */
export function getAppliedSeq(db: Db): number {
  return stmts(db).get.get()?.applied_seq ?? 0;
}

/** Call inside the transaction that writes the posteriors the cursor describes (exactly-once learning). */
export function setAppliedSeq(db: Db, seq: number): void {
  stmts(db).set.run(seq);
}
