/**
 * Opportunities by no-action reason over a window of hours, with the sums of closed UTC days kept in memory.
 *
 * Why: a 90-day window of `decision_counts` at 10⁷ decisions is ~170,000 rows (hour × channel × category × group ×
 * reason), and reading them costs 40–90 ms here (bench:dashboard) — over the 50 ms the issue allows. But the
 * opportunities of an hour are written only by the insert trigger of a decision made in that hour, so once a day has
 * ended (plus SETTLE_MS for decisions still in the group-commit buffer) its sums never change: a closed day is read
 * once, and later windows read only the open day's hours and the partial days at their edges.
 * Outcomes do change past hours' responses and value, but this reads neither. An offline rewrite of the aggregates
 * (a snapshot import into a running service's database) is seen after a restart.
 */
import type { DashboardStore } from './store.js';

/** Decisions reach the database within the group-commit interval; a day is closed this long after its end. */
export const SETTLE_MS = 60_000;
const HOURS_PER_DAY = 24;
const DAY_MS = 86_400_000;

export type ReasonSums = Map<string, number>;

function add(into: ReasonSums, reason: string, n: number): void {
  into.set(reason, (into.get(reason) ?? 0) + n);
}

export function createClosedDayCache(store: Pick<DashboardStore, 'opportunitiesByReason' | 'opportunitiesByDayAndReason'>) {
  const days = new Map<number, ReasonSums>();

  /** Fills the cache for the closed days in [fromDay, toDay) it lacks, with one read over their span. */
  const fill = (fromDay: number, toDay: number): void => {
    let first = fromDay;
    while (first < toDay && days.has(first)) first += 1;
    let last = toDay;
    while (last > first && days.has(last - 1)) last -= 1;
    if (first >= last) return;
    // Only the days this read adds are filled: a day cached before it is left as it was (it was already complete).
    const added = new Map<number, ReasonSums>();
    for (let day = first; day < last; day += 1) if (!days.has(day)) added.set(day, new Map());
    for (const row of store.opportunitiesByDayAndReason(first, last)) {
      const sums = added.get(row.day);
      if (sums) add(sums, row.reason, row.opportunities);
    }
    for (const [day, sums] of added) days.set(day, sums);
  };

  return {
    /** Opportunities by reason ('' = offered) for fromHour ≤ hour < toHour, at `now`. */
    sums(fromHour: number, toHour: number, now: number): ReasonSums {
      const out: ReasonSums = new Map();
      const direct = (from: number, to: number) => {
        if (from < to) for (const row of store.opportunitiesByReason(from, to)) add(out, row.reason, row.opportunities);
      };
      // Whole days inside the window that are closed: [firstDay, closedEnd).
      const firstDay = Math.ceil(fromHour / HOURS_PER_DAY);
      const lastDay = Math.floor(toHour / HOURS_PER_DAY);
      const closedEnd = Math.min(lastDay, Math.floor((now - SETTLE_MS) / DAY_MS));
      if (closedEnd <= firstDay) {
        direct(fromHour, toHour);
        return out;
      }
      direct(fromHour, firstDay * HOURS_PER_DAY);
      fill(firstDay, closedEnd);
      for (let day = firstDay; day < closedEnd; day += 1) for (const [reason, n] of days.get(day)!) add(out, reason, n);
      direct(closedEnd * HOURS_PER_DAY, toHour);
      return out;
    },
    /** Closed days held (for tests). */
    size: () => days.size,
  };
}
