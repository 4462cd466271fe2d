/** Read ports over the contact history and the daily budgets; db/stores/contacts.ts implements them on SQLite. */
import type { ContactRow } from './types.js';

/** Most contact rows read for one customer per decision: a bound on the decision's cost, whatever the history. */
export const MAX_CONTACT_ROWS = 1000;

/** Which of a customer's contacts a decision needs (Unix ms bounds; a bound of +∞ selects nothing by that clause). */
export interface HistoryQuery {
  /** Contacts on this channel offered after `offeredSince` (the channel's limit, the contacts-on-channel slot). */
  channel: string | null;
  offeredSince: number;
  /** Contacts on any channel whose outcome came after `outcomeSince` (suppression, the ignores slot). */
  outcomeSince: number;
}

export interface ContactStore {
  /**
   * The customer's contacts a decision can be affected by (HistoryQuery), latest first, at most MAX_CONTACT_ROWS. Only
   * those: a busy customer's contacts on other channels, with no outcome, can never push a contact the limit or a
   * suppression needs out of the read.
   */
  history(customerId: string, query: HistoryQuery): ContactRow[];
}

/** UTC day number of a Unix ms instant: floor(ms / 86,400,000), as the action_day_counts trigger writes it. */
export function utcDay(ms: number): number {
  return Math.floor(ms / 86_400_000);
}

export interface BudgetStore {
  /** Decisions that offered each action on `day` (utcDay); only `actionIds` when given. Actions with none are absent. */
  used(actionIds: readonly string[] | undefined, day: number): Map<string, number>;
}
