/** Read ports over the contact history and the daily budgets; db/stores/contacts.ts implements them on SQLite. */
import type { ContactRow } from './types.js';

/** Most contact rows read for one customer per decision: a bound on the decision's cost, whatever the history. */
export const MAX_CONTACT_ROWS = 1000;

export interface ContactStore {
  /**
   * The customer's contacts offered after `since` or whose outcome came after it (Unix ms), latest first, at most
   * MAX_CONTACT_ROWS. An outcome arrives after its offer, so a contact older than `since` can still hold an outcome a
   * suppression window counts.
   */
  recent(customerId: string, since: number): ContactRow[];
}

/** UTC day number of a Unix ms instant: floor(ms / 86,400,000), as the action_day_counts trigger writes it. */
export function utcDay(ms: number): number {
  return Math.floor(ms / 86_400_000);
}

export interface BudgetStore {
  /** Decisions that offered each action on `day` (utcDay); only `actionIds` when given. Actions with none are absent. */
  used(actionIds: readonly string[] | undefined, day: number): Map<string, number>;
}
