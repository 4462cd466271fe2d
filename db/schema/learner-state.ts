import { sql } from 'drizzle-orm';
import { check, integer, sqliteTable } from 'drizzle-orm/sqlite-core';

/** A single row (id = 1): the seq of the last feedback folded into the stored posteriors. */
export const learnerState = sqliteTable(
  'learner_state',
  {
    id: integer('id').primaryKey(),
    appliedSeq: integer('applied_seq').notNull(),
  },
  (t) => [check('learner_state_single_row', sql`${t.id} = 1`)],
);
