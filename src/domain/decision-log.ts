/**
 * Decisions are written by group commit: the hot path appends a record and gets a promise that settles when the
 * record's batch has committed, so a decision is answered only once it is on disk (a crash can lose no decision
 * that was answered 200). Records appended in the same event-loop turn (or within `flushMs` when it is > 0) share
 * one transaction. One record's failure never takes the others down (the writer isolates records in savepoints):
 * only that record's promise rejects. Feedback for a decision still buffered flushes it first.
 *
 * Backpressure: when `maxPending` records are waiting for their commit, a new append is refused with 503
 * (`AppError('unavailable')` with Retry-After) instead of letting memory grow.
 *
 * The overlay: the contact rows and offers of records appended but not yet committed (`pendingContacts`,
 * `pendingOffers`), so a decision taken in the group-commit window sees the ones before it in this process — two
 * quick decisions for one customer cannot both pass a contact limit, nor two offers a daily cap's last unit.
 */
import type { DecisionRecord } from '../../db/stores/decisions.js';
import { AppError } from '../errors.js';
import type { ContactRow } from '../policies/types.js';
import { createGroupCommit } from './group-commit.js';

/** The decision log's storage port. */
export interface DecisionWriter {
  /**
   * Writes the batch in one transaction; a record that fails alone is rolled back alone. Returns each failed record's
   * error by index. Throws when nothing could be written (e.g. a locked database).
   */
  writeBatch(records: readonly DecisionRecord[]): Map<number, Error>;
  /** Whether a thrown error is transient (the database is locked): the batch is refused with 503, not 500. */
  isTransient(error: unknown): boolean;
}

export interface DecisionLogOptions {
  writer: DecisionWriter;
  /** 0: one batch per event-loop turn; > 0: a batch collects for at most this long before its commit. */
  flushMs: number;
  /** At most this many records wait for their commit; beyond it, appends answer 503. */
  maxPending: number;
  /** Told once about every record or batch that could not be written. */
  onError: (error: unknown, context: { decisionIds: string[] }) => void;
}

export interface DecisionLog {
  /** Throws the 503 that `append` would give now (backpressure or shutdown), so a refused decision costs nothing. */
  admit(): void;
  /** Resolves once the record is committed; rejects with an AppError when it was not written. */
  append(record: DecisionRecord): Promise<void>;
  /** Writes everything buffered now, in one transaction. */
  flush(): void;
  /** Whether the id is still buffered (not yet written). */
  holds(decisionId: string): boolean;
  /** Records waiting for their commit. */
  pending(): number;
  /** Contact rows of this customer's activated records waiting for their commit (oldest first); [] when none. */
  pendingContacts(customerId: string): readonly ContactRow[];
  /**
   * How many records waiting for their commit offer this action on UTC day `day` (floor(ms / 86,400,000), as the
   * action_day_counts trigger counts them; daily budgets count every decision).
   */
  pendingOffers(actionId: string, day: number): number;
  /** Flushes, and refuses every later append (503). */
  close(): void;
}

/** A UTC day in ms: the daily budgets' unit. */
const DAY_MS = 86_400_000;

/** Seconds a client refused by backpressure is told to wait (Retry-After). */
const RETRY_AFTER_S = 1;

const NO_CONTACTS: readonly ContactRow[] = Object.freeze([]);

const unavailable = (detail: string): AppError => new AppError('unavailable', detail, undefined, { retryAfterSeconds: RETRY_AFTER_S });

export function createDecisionLog(options: DecisionLogOptions): DecisionLog {
  const { writer, onError } = options;
  let ids = new Set<string>();
  // The overlay of what the buffer holds, rebuilt with it at every flush (the write is synchronous: once a batch is
  // taken out of the buffer its rows are committed, or failed, before any other code runs).
  let contactsByCustomer = new Map<string, ContactRow[]>();
  // Keyed `${utcDay}:${actionId}`: an offer buffered at 23:59:59.999 belongs to its own day's budget.
  let offersByAction = new Map<string, number>();

  const commit = createGroupCommit<DecisionRecord>({
    writeBatch: (records) => writer.writeBatch(records),
    flushMs: options.flushMs,
    maxPending: options.maxPending,
    refusal: (reason, waiting) =>
      reason === 'closed'
        ? unavailable('the service is shutting down')
        : unavailable(`decision writes are behind (${waiting} waiting for their commit); retry shortly`),
    taken: () => {
      ids = new Set();
      contactsByCustomer = new Map();
      offersByAction = new Map();
    },
    failed: (error, records, whole) => {
      onError(error, { decisionIds: records.map((r) => r.id) });
      if (!whole) return new AppError('internal', `the decision could not be stored: ${(error as Error).message}`);
      return writer.isTransient(error)
        ? unavailable('the decision could not be stored: the database is busy; retry shortly')
        : new AppError('internal', 'the decision could not be stored');
    },
  });

  const overlay = (record: DecisionRecord): void => {
    const day = Math.floor(record.createdAt / DAY_MS);
    for (const a of record.actions) {
      const key = `${day}:${a.actionId}`;
      offersByAction.set(key, (offersByAction.get(key) ?? 0) + 1);
    }
    // The same rule as the store's contact rows (db/stores/decisions.ts insertOne).
    if ((record.activated ?? true) === false || record.customerId === null || record.actions.length === 0) return;
    let rows = contactsByCustomer.get(record.customerId);
    if (!rows) contactsByCustomer.set(record.customerId, (rows = []));
    for (const a of record.actions) {
      rows.push({ decisionId: record.id, actionId: a.actionId, channel: record.channel, category: a.category ?? '', at: record.createdAt, outcome: null, outcomeAt: null });
    }
  };

  return {
    admit: commit.admit,
    append(record) {
      try {
        commit.admit();
      } catch (error) {
        return Promise.reject(error);
      }
      // Admitted, so it enters the buffer (in this same synchronous step) and the overlay with it.
      const written = commit.append(record);
      ids.add(record.id);
      overlay(record);
      return written;
    },
    flush: commit.flush,
    holds: (decisionId) => ids.has(decisionId),
    pending: commit.pending,
    pendingContacts: (customerId) => contactsByCustomer.get(customerId) ?? NO_CONTACTS,
    pendingOffers: (actionId, day) => offersByAction.get(`${day}:${actionId}`) ?? 0,
    close: commit.close,
  };
}
