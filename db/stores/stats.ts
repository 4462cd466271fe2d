/**
 * Volume counts for the statistics endpoints, read from the running counts in `action_counts` (kept by triggers on
 * every decision-action and feedback insert, migration 0001): O(actions × channels), independent of the log's size.
 */
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
  counts: db.sqlite.prepare<[], { action_id: string; channel: string; decisions: number; responses: number; ignores: number }>(
    `SELECT action_id, channel, decisions, responses, ignores FROM action_counts ORDER BY action_id, channel`,
  ),
}));

/** Decisions, responses and ignores per (action, channel), ordered by action id then channel. */
export function countsByActionAndChannel(db: Db): CountsRow[] {
  return stmts(db)
    .counts.all()
    .map((r) => ({ actionId: r.action_id, channel: r.channel, decisions: r.decisions, responses: r.responses, ignores: r.ignores }));
}
