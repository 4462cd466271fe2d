/**
 * The dashboard's data calls over the aggregates port (src/dashboard/store.ts): response rate per action per UTC day,
 * the no-action share by reason, the learner's lag. Pure arithmetic on a few thousand aggregate rows at most.
 */
import { NO_ACTION_REASONS } from '../domain/types.js';
import type { ActionDayRow, DashboardStore } from './store.js';
import type { DashboardService, LearnerLag, NoActionAnswer, SeriesAnswer, SeriesPoint } from './types.js';
import { alignWindow, DAY_MS, HOUR_MS } from './window.js';

/** A series fills every day of its window, so its window is bounded: a little over a year of days. */
export const MAX_SERIES_DAYS = 400;

function point(t: string, row: ActionDayRow | undefined): SeriesPoint {
  const responses = row?.responses ?? 0;
  const ignores = row?.ignores ?? 0;
  const closed = responses + ignores;
  return {
    t,
    decisions: row?.decisions ?? 0,
    responses,
    ignores,
    responseRate: closed > 0 ? responses / closed : null,
    value: row?.value ?? 0,
  };
}

export function createDashboardService(deps: { store: DashboardStore; now: () => number }): DashboardService {
  const { store } = deps;
  return {
    series(query): SeriesAnswer {
      const w = alignWindow(query, deps.now(), DAY_MS, MAX_SERIES_DAYS);
      const byAction = new Map<string, Map<number, ActionDayRow>>();
      for (const row of store.actionDays(w.fromBucket, w.toBucket)) {
        let days = byAction.get(row.actionId);
        if (!days) byAction.set(row.actionId, (days = new Map()));
        days.set(row.day, row);
      }
      // Each day's ISO string once, not once per action.
      const stamps: string[] = [];
      for (let day = w.fromBucket; day < w.toBucket; day += 1) stamps.push(new Date(day * DAY_MS).toISOString());
      const actions = [...byAction].map(([actionId, days]) => ({
        actionId,
        points: stamps.map((t, i) => point(t, days.get(w.fromBucket + i))),
      }));
      return { from: w.from, to: w.to, bucket: 'day', actions };
    },

    noAction(query): NoActionAnswer {
      const w = alignWindow(query, deps.now(), HOUR_MS);
      const reasons: Record<string, number> = Object.fromEntries(NO_ACTION_REASONS.map((r) => [r, 0]));
      let opportunities = 0;
      let noAction = 0;
      for (const { reason, opportunities: n } of store.opportunitiesByReason(w.fromBucket, w.toBucket)) {
        opportunities += n;
        if (reason === '') continue;
        noAction += n;
        reasons[reason] = (reasons[reason] ?? 0) + n;
      }
      return { from: w.from, to: w.to, opportunities, noAction, reasons };
    },

    learner(): LearnerLag {
      const { appliedSeq, latestSeq } = store.learnerCursor();
      // A cursor past the high-water mark cannot happen in one database; max() keeps lag ≥ 0 if a restore mixed them.
      const latest = Math.max(latestSeq, appliedSeq);
      return { appliedSeq, latestSeq: latest, lag: latest - appliedSeq };
    },
  };
}
