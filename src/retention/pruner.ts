/**
 * Retention (KAIROS_RETENTION): a background job that deletes decisions older than the retention period once they
 * are closed (the expirer closes a decision when its feedback window ends) and learned (every outcome of theirs is
 * folded into the posteriors), with their feedback, so the database stops growing under steady load. It deletes in
 * small transactions and yields to the event loop between them, so a request never waits for more than one batch;
 * it never runs on the request path. A pending or not yet learned decision is never deleted.
 * Each run also deletes the customer events past their expiry (they no longer feed any feature), and the contact rows
 * older than both the retention and everything the contact policy and the schema can still count (`contactsNeededMs`:
 * the longest channel limit, suppression `within + for`, history window) — so a 30-day suppression holds under a
 * 1-day retention — in slices too.
 */
import type { RetentionStore } from '../../db/stores/retention.js';
import { runInSlices, SLICE_BUDGET_MS, slicedJob, type SlicedJob } from '../sliced-work.js';

/** Deletes everything prunable now, slice by slice; `runOnce` resolves to the decisions deleted. */
export type Pruner = SlicedJob;

/** Decisions in the first slice, and at most in any slice. */
export const PRUNE_BATCH = 250;
const MAX_SLICE = 5_000;

export function createPruner(deps: {
  store: RetentionStore;
  retentionMs: number;
  intervalMs: number;
  now: () => number;
  /** Called after a run that deleted decisions (logged). */
  onPruned: (count: number) => void;
  /** Called after a run that deleted expired customer events. */
  onPrunedEvents?: (count: number) => void;
  /** How far back (ms) limits, suppressions and history slots can reach now; contact rows are kept that long at least. */
  contactsNeededMs?: () => number;
  onError: (error: unknown) => void;
  /** Decisions in the first slice (tests use small ones to see several slices). */
  batchSize?: number;
}): Pruner {
  const batchSize = deps.batchSize ?? PRUNE_BATCH;
  return slicedJob(
    async (stopped) => {
      const now = deps.now();
      const cutoff = now - deps.retentionMs;
      const slices = { budgetMs: SLICE_BUDGET_MS, initialRows: batchSize, maxRows: Math.max(batchSize, MAX_SLICE), stopped };
      const total = await runInSlices((limit) => deps.store.pruneBatch(cutoff, limit), slices);
      if (total > 0) deps.onPruned(total);
      if (stopped()) return total;
      const events = await runInSlices((limit) => deps.store.pruneEvents(now, limit), slices);
      if (events > 0) deps.onPrunedEvents?.(events);
      if (stopped()) return total;
      const contactCutoff = now - Math.max(deps.retentionMs, deps.contactsNeededMs?.() ?? 0);
      await runInSlices((limit) => deps.store.pruneContacts(contactCutoff, limit), slices);
      return total;
    },
    deps.intervalMs,
    deps.onError,
  );
}
