/**
 * The port the lift service reads (DESIGN.md §9.1): sums of the hourly measurement aggregates (decision_counts) over
 * a window, per UTC day and group. The SQLite implementation is db/stores/lift.ts; a PostgreSQL one answers the same.
 */
import type { GroupSums } from './lift.js';

export type Group = 'policy' | 'control';

export interface LiftWindow {
  /** First hour (Unix ms / 3,600,000) inside the window. */
  fromHour: number;
  /** First hour after the window (exclusive). */
  toHour: number;
  /** Only this channel; null = every channel. */
  channel: string | null;
  /**
   * Only decisions whose top action is in this category; null = every decision, including those that offered
   * nothing (a no-action decision has no category, so a category filter leaves it out).
   */
  category: string | null;
}

/** One UTC day's sums of one group (days and groups with no aggregate rows are absent). */
export interface DaySums extends GroupSums {
  /** Unix ms / 86,400,000. */
  day: number;
  group: Group;
}

export interface LiftStore {
  daily(window: LiftWindow): DaySums[];
}
