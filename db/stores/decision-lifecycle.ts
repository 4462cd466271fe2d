/**
 * The SQLite implementation of the decision lifecycle port (src/decisions/decision-store.ts): activation and the
 * audit trail. It imports the port's types (the one upward, type-only import in db/).
 */
import type { DecisionLifecycleStore, StoredAudit } from '../../src/decisions/decision-store.js';
import type { Outcome } from '../../src/domain/types.js';
import type { Db } from '../open.js';
import { activateDecision } from './decisions.js';
import { perDb } from './statement-cache.js';

interface AuditActionRow {
  action_id: string;
  slot: number;
  propensity: number;
  probability: number;
  outcome: Outcome | null;
  reward: number | null;
  outcome_at: number | null;
}

interface DecisionAuditRow {
  id: string;
  created_at: number;
  customer_id: string | null;
  channel: string;
  group: 'policy' | 'control';
  activated: number;
  probability_method: 'exact' | 'monte-carlo' | 'off' | null;
  no_action_probability: number | null;
  probability_draws: number | null;
}

const stmts = perDb((db: Db) => {
  const s = db.sqlite;
  return {
    decision: s.prepare<[string], DecisionAuditRow>(
      `SELECT id, created_at, customer_id, channel, "group", activated, probability_method, no_action_probability, probability_draws
       FROM decisions WHERE id = ?`,
    ),
    // feedback has UNIQUE(decision_id, action_id): at most one outcome per chosen action.
    actions: s.prepare<[string], AuditActionRow>(
      `SELECT da.action_id, da.slot, da.propensity, da.probability, f.outcome, f.reward, f.created_at AS outcome_at
       FROM decision_actions da LEFT JOIN feedback f ON f.decision_id = da.decision_id AND f.action_id = da.action_id
       WHERE da.decision_id = ? ORDER BY da.slot`,
    ),
  };
});

export function readDecisionAudit(db: Db, decisionId: string): StoredAudit | undefined {
  const s = stmts(db);
  const row = s.decision.get(decisionId);
  if (!row) return undefined;
  return {
    decisionId: row.id,
    createdAt: row.created_at,
    customerId: row.customer_id,
    channel: row.channel,
    group: row.group,
    activated: row.activated === 1,
    probabilityMethod: row.probability_method,
    noActionProbability: row.no_action_probability,
    probabilityDraws: row.probability_draws,
    actions: s.actions.all(decisionId).map((a) => ({
      actionId: a.action_id,
      slot: a.slot,
      propensity: a.propensity,
      probability: a.probability,
      outcome: a.outcome,
      reward: a.reward,
      outcomeAt: a.outcome_at,
    })),
  };
}

export function createSqliteDecisionLifecycleStore(db: Db): DecisionLifecycleStore {
  return {
    activate: (decisionId, atMs) => activateDecision(db, decisionId, atMs),
    audit: (decisionId) => readDecisionAudit(db, decisionId),
  };
}
