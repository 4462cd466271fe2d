/**
 * `createMetrics(sources)`: one engine's metrics on its own prom-client `Registry` (never the global default: a
 * test process builds many engines), merged at scrape with the process-wide default metrics.
 *
 * The hooks keep one prom-client child per label tuple, found through nested Maps keyed by the label values, so
 * the request path builds no label string of its own (prom-client's child still hashes its labels per increment).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  FAMILIES,
  HTTP_DURATION_BUCKETS,
  LEARNER_CYCLE_BUCKETS,
  MAX_CHANNEL_LABELS,
  OTHER_LABEL,
} from './families.js';
import { processMetricsRegistry } from './process-metrics.js';
import {
  AUTH_FAILURE_STATUS,
  FEEDBACK_OUTCOMES,
  FEEDBACK_SOURCES,
  type AuthFailureReason,
  type MetricsHooks,
  type MetricsReads,
  type ModelGaugeRow,
} from './types.js';

/**
 * At most this many feedback rows are counted per scrape; the rest are counted by the next ones. The counters start
 * at the log's end, so only a bulk import by another process comes near it (measured: ~30–50 ms for 50,000 rows).
 */
export const FEEDBACK_ROWS_PER_SCRAPE = 50_000;
/** The learner lag is counted exactly up to this many outcomes, and taken from the seqs past it. */
export const LAG_COUNT_LIMIT = 10_000;

/** One (method, route pattern)'s request series. */
export interface RouteSeries {
  record(status: number, seconds: number): void;
}

export interface Metrics extends MetricsHooks {
  /** `text/plain; version=0.0.4; charset=utf-8`. */
  readonly contentType: string;
  /** The series of a method and route pattern; callers keep it per matched route (src/metrics/http-middleware.ts). */
  routeSeries(method: string, route: string): RouteSeries;
  /** The exposition text of every family, this engine's and the process's. */
  scrape(): Promise<string>;
}

export interface MetricsSources {
  /** The store's side; absent (an app without an engine): no feedback, learner-lag or database families. */
  reads?: MetricsReads;
  /** The models in use; absent: no model families. */
  models?: () => readonly ModelGaugeRow[];
}

type Child = { inc(value?: number): void };

interface ChannelCells {
  /** The channel label: the channel, or OTHER_LABEL past MAX_CHANNEL_LABELS. */
  label: string;
  byGroup: Record<'policy' | 'control', { offered: Child; no_action: Child }>;
  reasons: Map<string, Child>;
}

export function createMetrics(sources: MetricsSources = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];

  const requests = new Counter({ ...FAMILIES.httpRequests, labelNames: [...FAMILIES.httpRequests.labelNames], registers });
  const duration = new Histogram({ ...FAMILIES.httpDuration, labelNames: [...FAMILIES.httpDuration.labelNames], buckets: HTTP_DURATION_BUCKETS, registers });
  const decisions = new Counter({ ...FAMILIES.decisions, labelNames: [...FAMILIES.decisions.labelNames], registers });
  const noAction = new Counter({ ...FAMILIES.noAction, labelNames: [...FAMILIES.noAction.labelNames], registers });
  const authFailures = new Counter({ ...FAMILIES.authFailures, labelNames: [...FAMILIES.authFailures.labelNames], registers });
  const cycle = new Histogram({ ...FAMILIES.learnerCycle, labelNames: [], buckets: LEARNER_CYCLE_BUCKETS, registers });
  const applied = new Counter({ ...FAMILIES.learnerApplied, labelNames: [], registers });
  const pzRanks = new Counter({ ...FAMILIES.personalizerRanks, labelNames: [...FAMILIES.personalizerRanks.labelNames], registers });
  const pzRewards = new Counter({ ...FAMILIES.personalizerRewards, labelNames: [...FAMILIES.personalizerRewards.labelNames], registers });
  const pzLearned = new Counter({ ...FAMILIES.personalizerLearned, labelNames: [...FAMILIES.personalizerLearned.labelNames], registers });
  const pzRankChildren = new Map<string, Child>();
  for (const kind of ['single', 'multi']) {
    for (const mode of ['Online', 'Apprentice', 'LoggingOnly']) {
      const child = pzRanks.labels(kind, mode);
      child.inc(0);
      pzRankChildren.set(`${kind} ${mode}`, child);
    }
  }
  const pzOnTime = pzRewards.labels('on_time');
  const pzLate = pzRewards.labels('late');
  const pzGiven = pzLearned.labels('given');
  const pzDefault = pzLearned.labels('default');
  for (const child of [pzOnTime, pzLate, pzGiven, pzDefault]) child.inc(0);

  // Every known refusal starts at 0, so rate() sees the first failure.
  const authChildren = new Map<AuthFailureReason, Child>();
  for (const [reason, status] of Object.entries(AUTH_FAILURE_STATUS) as [AuthFailureReason, 401 | 403][]) {
    const child = authFailures.labels(String(status), reason);
    child.inc(0);
    authChildren.set(reason, child);
  }

  const { reads, models } = sources;
  if (reads) registerStoreFamilies(registers, reads);
  if (models) registerModelFamilies(registers, models);

  const channels = new Map<string, ChannelCells>();
  const cellsOf = (channel: string): ChannelCells => {
    const known = channels.get(channel);
    if (known !== undefined) return known;
    // Any channel is accepted while none is declared: past the cap new ones share one label, so the set stays bounded.
    const label = channels.size < MAX_CHANNEL_LABELS ? channel : OTHER_LABEL;
    let cells = channels.get(label);
    if (cells === undefined) {
      const group = (g: 'policy' | 'control') => ({ offered: decisions.labels(label, g, 'offered'), no_action: decisions.labels(label, g, 'no_action') });
      cells = { label, byGroup: { policy: group('policy'), control: group('control') }, reasons: new Map() };
      channels.set(label, cells);
    }
    return cells;
  };

  const routes = new Map<string, RouteSeries>();
  const merged = Registry.merge([registry, processMetricsRegistry()]);

  return {
    contentType: registry.contentType,
    decided(channel, group, noActionReason) {
      const cells = cellsOf(channel);
      if (noActionReason === undefined) {
        cells.byGroup[group].offered.inc();
        return;
      }
      cells.byGroup[group].no_action.inc();
      let reason = cells.reasons.get(noActionReason);
      if (reason === undefined) {
        reason = noAction.labels(cells.label, noActionReason);
        cells.reasons.set(noActionReason, reason);
      }
      reason.inc();
    },
    learnerCycle(seconds, rows) {
      cycle.observe(seconds);
      applied.inc(rows);
    },
    authFailure(reason) {
      authChildren.get(reason)?.inc();
    },
    personalizerRanked(kind, mode) {
      pzRankChildren.get(`${kind} ${mode}`)?.inc();
    },
    personalizerRewards(timing, count) {
      (timing === 'late' ? pzLate : pzOnTime).inc(count);
    },
    personalizerLearned(given, defaulted) {
      pzGiven.inc(given);
      pzDefault.inc(defaulted);
    },
    routeSeries(method, route) {
      const key = `${method} ${route}`;
      let series = routes.get(key);
      if (series === undefined) {
        const latency = duration.labels(method, route);
        const byStatus = new Map<number, Child>();
        series = {
          record(status, seconds) {
            latency.observe(seconds);
            let child = byStatus.get(status);
            if (child === undefined) {
              child = requests.labels(method, route, String(status));
              byStatus.set(status, child);
            }
            child.inc();
          },
        };
        routes.set(key, series);
      }
      return series;
    },
    scrape: () => merged.metrics(),
  };
}

/** Feedback by outcome and source, learner lag, database size: read from the store when scraped. */
function registerStoreFamilies(registers: Registry[], reads: MetricsReads): void {
  // The log as it stands when the engine starts is the counters' zero: rows appended since are counted, whoever
  // wrote them, in seq order (SQLite has one writer at a time, so a seq once visible has no smaller one pending).
  let cursor = reads.latestFeedbackSeq();
  const feedback: Counter<string> = new Counter({
    ...FAMILIES.feedback,
    labelNames: [...FAMILIES.feedback.labelNames],
    registers,
    collect() {
      const tally = reads.feedbackAfter(cursor, FEEDBACK_ROWS_PER_SCRAPE);
      for (const { outcome, source, count } of tally.counts) feedback.inc({ outcome, source }, count);
      cursor = tally.lastSeq;
    },
  });
  for (const outcome of FEEDBACK_OUTCOMES) for (const source of FEEDBACK_SOURCES) feedback.inc({ outcome, source }, 0);

  new Gauge({
    ...FAMILIES.learnerLag,
    labelNames: [],
    registers,
    collect() {
      // Counted while small (the usual case), so it is exact: an insert that loses its ON CONFLICT (the expirer's
      // ignore of an action the client already answered) still uses up a seq, so seqs have gaps. A backlog past the
      // limit is the seq difference, an upper bound read in O(1) instead of a count that would stall the event loop.
      const counted = reads.unappliedOutcomes(LAG_COUNT_LIMIT);
      this.set(counted < LAG_COUNT_LIMIT ? counted : Math.max(counted, reads.latestFeedbackSeq() - reads.appliedSeq()));
    },
  });
  let bytes: { main: number; wal: number } | undefined;
  new Gauge({
    ...FAMILIES.databaseSize,
    labelNames: [],
    registers,
    collect() {
      bytes = reads.databaseBytes();
      this.set(bytes.main);
    },
  });
  new Gauge({
    ...FAMILIES.walSize,
    labelNames: [],
    registers,
    // Registered after the database size, so the registry has just read both sizes together.
    collect() {
      this.set((bytes ?? reads.databaseBytes()).wal);
    },
  });
}

/** Each action's model version and observations, from the models in use (O(actions), no I/O). */
function registerModelFamilies(registers: Registry[], models: () => readonly ModelGaugeRow[]): void {
  let rows: readonly ModelGaugeRow[] = [];
  new Gauge({
    ...FAMILIES.modelVersion,
    labelNames: [...FAMILIES.modelVersion.labelNames],
    registers,
    collect() {
      rows = models();
      // Reset first: an action deleted since the last scrape must disappear, not keep its last value.
      this.reset();
      for (const row of rows) this.set({ action: row.actionId }, row.version);
    },
  });
  new Gauge({
    ...FAMILIES.modelObservations,
    labelNames: [...FAMILIES.modelObservations.labelNames],
    registers,
    collect() {
      this.reset();
      for (const row of rows) this.set({ action: row.actionId }, row.observations);
    },
  });
}
