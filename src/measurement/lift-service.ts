/**
 * GET /v1/lift (DESIGN.md §9.1): the policy against the always-on control group over a time window, optionally one
 * channel and one category, from the hourly aggregates behind the LiftStore port — O(hours in the window), never
 * a scan of the decision log.
 *
 * The window is [from, to): `from` floored and `to` ceiled to the hour (the aggregates' grain), and the answer states
 * the effective window. A category filter keeps the decisions whose top action (slot 0) is in that category; a
 * decision that offered nothing has no category, so it counts only without a category filter. A channel that never
 * had a decision simply has no rows: zeros, not an error (a channel renamed or dropped from the schema keeps its
 * history).
 */
import { alignWindow, DAY_MS, HOUR_MS } from '../dashboard/window.js';
import { addSums, EMPTY_SUMS, groupView, liftOf, type GroupSums, type GroupView, type LiftEstimate } from './lift.js';
import type { LiftStore } from './lift-store.js';

/** Longest window (ten years): bounds the daily series an answer carries. */
export const MAX_LIFT_WINDOW_MS = 3_660 * DAY_MS;

export interface LiftQuery {
  /** Unix ms; default `to` − 30 days (the dashboard's default window). */
  from?: number;
  /** Unix ms; default now. */
  to?: number;
  channel?: string;
  category?: string;
}

export interface LiftPoint {
  /** ISO-8601 start of the UTC day. */
  t: string;
  policy: GroupView;
  control: GroupView;
}

export interface LiftReport {
  from: string;
  to: string;
  channel: string | null;
  category: string | null;
  controlShare: number;
  policy: GroupView;
  control: GroupView;
  lift: { responseRate: LiftEstimate; valuePerOpportunity: LiftEstimate };
  /** Every UTC day that overlaps the window, in order (zeros where nothing was decided). */
  series: LiftPoint[];
}

export interface LiftService {
  lift(query: LiftQuery): LiftReport;
}

export interface LiftServiceDeps {
  store: LiftStore;
  now: () => number;
  /** KAIROS_CONTROL_SHARE, reported with the answer. */
  controlShare: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function createLiftService(deps: LiftServiceDeps): LiftService {
  return {
    lift(query) {
      // The dashboard's window rules: the 30-day default, from < to, the hour grain, at most MAX_LIFT_WINDOW_MS.
      const { fromBucket: fromHour, toBucket: toHour, from, to } = alignWindow(query, deps.now(), HOUR_MS, MAX_LIFT_WINDOW_MS / HOUR_MS);
      const channel = query.channel ?? null;
      const category = query.category ?? null;
      const rows = deps.store.daily({ fromHour, toHour, channel, category });

      const firstDay = Math.floor((fromHour * HOUR_MS) / DAY_MS);
      const lastDay = Math.floor((toHour * HOUR_MS - 1) / DAY_MS);
      const days = lastDay - firstDay + 1;
      const byDay = { policy: new Array<GroupSums>(days).fill(EMPTY_SUMS), control: new Array<GroupSums>(days).fill(EMPTY_SUMS) };
      let policy: GroupSums = EMPTY_SUMS;
      let control: GroupSums = EMPTY_SUMS;
      for (const row of rows) {
        const i = row.day - firstDay;
        if (row.group === 'control') {
          byDay.control[i] = addSums(byDay.control[i]!, row);
          control = addSums(control, row);
        } else {
          byDay.policy[i] = addSums(byDay.policy[i]!, row);
          policy = addSums(policy, row);
        }
      }
      const series: LiftPoint[] = new Array(days);
      for (let i = 0; i < days; i++) series[i] = { t: iso((firstDay + i) * DAY_MS), policy: groupView(byDay.policy[i]!), control: groupView(byDay.control[i]!) };
      return {
        from,
        to,
        channel,
        category,
        controlShare: deps.controlShare,
        policy: groupView(policy),
        control: groupView(control),
        lift: liftOf(policy, control),
        series,
      };
    },
  };
}
