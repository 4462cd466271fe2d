/** Volume counts for the statistics endpoints. */
import type { Db } from '../open.js';
import { perDb } from './statement-cache.js';

export interface CountsRow {
  actionId: string;
  channel: string;
  /** Decisions that chose the action on the channel (any slot). */
  decisions: number;
  responses: number;
  ignores: number;
}

const stmts = perDb((db: Db) => ({
  decisions: db.sqlite.prepare<[], { action_id: string; channel: string; n: number }>(
    `SELECT da.action_id, d.channel, count(*) AS n FROM decision_actions da JOIN decisions d ON d.id = da.decision_id
     GROUP BY da.action_id, d.channel`,
  ),
  outcomes: db.sqlite.prepare<[], { action_id: string; channel: string; responses: number; ignores: number }>(
    `SELECT f.action_id, d.channel,
       sum(f.outcome = 'response') AS responses, sum(f.outcome = 'ignore') AS ignores
     FROM feedback f JOIN decisions d ON d.id = f.decision_id
     GROUP BY f.action_id, d.channel`,
  ),
}));

/** Decisions, responses and ignores per (action, channel), ordered by action id then channel. */
export function countsByActionAndChannel(db: Db): CountsRow[] {
  const s = stmts(db);
  const rows = new Map<string, CountsRow>();
  const row = (actionId: string, channel: string): CountsRow => {
    const key = JSON.stringify([actionId, channel]);
    let r = rows.get(key);
    if (!r) {
      r = { actionId, channel, decisions: 0, responses: 0, ignores: 0 };
      rows.set(key, r);
    }
    return r;
  };
  for (const d of s.decisions.all()) row(d.action_id, d.channel).decisions = d.n;
  for (const o of s.outcomes.all()) {
    const r = row(o.action_id, o.channel);
    r.responses = o.responses;
    r.ignores = o.ignores;
  }
  return [...rows.values()].sort((a, b) =>
    a.actionId < b.actionId ? -1 : a.actionId > b.actionId ? 1 : a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0,
  );
}
