/**
 * The SQLite implementations of the contact-history and budget read ports (src/policies/contact-store.ts): one
 * prepared query each, on the decision path.
 */
import { MAX_CONTACT_ROWS, type BudgetStore, type ContactStore } from '../../src/policies/contact-store.js';
import type { ContactRow } from '../../src/policies/types.js';
import type { Db } from '../open.js';
import { perDb } from './statement-cache.js';

interface Row {
  decision_id: string;
  action_id: string;
  channel: string;
  category: string;
  at: number;
  outcome: 'response' | 'ignore' | null;
  outcome_at: number | null;
}

const stmts = perDb((db: Db) => ({
  // contacts_customer_at_idx narrows to the customer; a customer's rows are few, so the OR costs nothing measurable.
  history: db.sqlite.prepare<[string, string | null, number, number, number], Row>(
    'SELECT decision_id, action_id, channel, category, at, outcome, outcome_at FROM contacts ' +
      'WHERE customer_id = ? AND ((channel = ? AND at > ?) OR (outcome IS NOT NULL AND outcome_at > ?)) ORDER BY at DESC LIMIT ?',
  ),
  dayCounts: db.sqlite.prepare<[number], { action_id: string; decisions: number }>(
    'SELECT action_id, decisions FROM action_day_counts WHERE day = ?',
  ),
}));

/** SQLite compares with a number: +∞ (nothing by that clause) becomes the largest one. */
const bound = (ms: number): number => (Number.isFinite(ms) ? ms : Number.MAX_SAFE_INTEGER);

export function createSqliteContactStore(db: Db): ContactStore {
  return {
    history(customerId, query) {
      return stmts(db)
        .history.all(customerId, query.channel, bound(query.offeredSince), bound(query.outcomeSince), MAX_CONTACT_ROWS)
        .map(
          (row): ContactRow => ({
            decisionId: row.decision_id,
            actionId: row.action_id,
            channel: row.channel,
            category: row.category,
            at: row.at,
            outcome: row.outcome,
            outcomeAt: row.outcome_at,
          }),
        );
    },
  };
}

export function createSqliteBudgetStore(db: Db): BudgetStore {
  return {
    used(actionIds, day) {
      const wanted = actionIds ? new Set(actionIds) : undefined;
      const out = new Map<string, number>();
      for (const row of stmts(db).dayCounts.all(day)) {
        if (!wanted || wanted.has(row.action_id)) out.set(row.action_id, row.decisions);
      }
      return out;
    },
  };
}
