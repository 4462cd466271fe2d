/**
 * The dashboard's data (DESIGN.md §9.3, shapes in the issue #11 contract): response rate over time per action, the
 * no-action share by reason, and the learner's lag. Everything is read from aggregates kept by triggers (migration
 * 0004), never from the decision log, so each answer costs O(actions × days) or O(hours × groups) at any log size.
 */

/** One action's outcomes on one UTC day (by the decision's day, not the outcome's). */
export interface SeriesPoint {
  /** Start of the UTC day (ISO-8601). */
  t: string;
  /** Decisions that offered the action that day (any slot). */
  decisions: number;
  responses: number;
  ignores: number;
  /** responses / (responses + ignores); null without a closed outcome. */
  responseRate: number | null;
  /** Σ action value × (reward ?? 1) of the responses. */
  value: number;
}

export interface SeriesAnswer {
  /** The effective window: `from` floored and `to` ceiled to a UTC day. */
  from: string;
  to: string;
  bucket: 'day';
  /** Actions with any count in the window, by id; each has a point for every day of the window. */
  actions: { actionId: string; points: SeriesPoint[] }[];
}

export interface NoActionAnswer {
  /** The effective window: `from` floored and `to` ceiled to a UTC hour. */
  from: string;
  to: string;
  /** Every decision request in the window, including those that offered nothing. */
  opportunities: number;
  /** Decision requests that offered nothing. */
  noAction: number;
  /** No-action decisions by reason; every known reason is present (0 when none). */
  reasons: Record<string, number>;
}

/** How far the learner is behind the outcome log, in feedback rows (seq numbers). */
export interface LearnerLag {
  /** The last feedback seq folded into the stored posteriors. */
  appliedSeq: number;
  /** The last feedback seq written (the AUTOINCREMENT high-water mark: retention never lowers it). */
  latestSeq: number;
  /** latestSeq − appliedSeq, never negative. */
  lag: number;
}

/** A requested window in Unix ms; either end may be absent (defaults: to = now, from = to − 30 days). */
export interface WindowQuery {
  from?: number;
  to?: number;
}

export interface DashboardService {
  series(query: WindowQuery): SeriesAnswer;
  noAction(query: WindowQuery): NoActionAnswer;
  learner(): LearnerLag;
}
