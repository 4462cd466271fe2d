/**
 * Rank events are written by group commit, as the decision log does (src/domain/decision-log.ts): a rank appends
 * its write and is answered once the batch holding it has committed, so no answered rank is lost, while the ranks of
 * one event-loop turn share one transaction (a commit costs ~100 µs here; one per rank halved the throughput).
 * Each write sits in its own savepoint: one that fails rejects alone. A reward, an activation or a read of the logs
 * flushes first, so it always finds the event.
 */
import type { PersonalizerStore, RankWrite } from './store.js';
import { PersonalizerError } from './types.js';

export interface RankLog {
  /** Whether the event id is taken: buffered here or already stored. */
  taken(eventId: string): boolean;
  /** Resolves once the write is committed; rejects when it could not be written. */
  append(write: RankWrite): Promise<void>;
  /** Writes everything buffered now. */
  flush(): void;
  pending(): number;
  close(): void;
}

export interface RankLogOptions {
  store: Pick<PersonalizerStore, 'recordRanks' | 'hasEvent'>;
  /** At most this many writes wait for their commit; beyond it a rank answers 503. */
  maxPending: number;
  /** A batch failed: the writes' new actions must leave the in-memory state (they are not stored). */
  onFailed: (writes: readonly RankWrite[], error: unknown) => void;
}

interface Pending {
  write: RankWrite;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createRankLog(options: RankLogOptions): RankLog {
  let buffer: Pending[] = [];
  const ids = new Set<string>();
  let scheduled = false;
  let closed = false;

  const flush = () => {
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    ids.clear();
    let failures: Map<number, unknown>;
    try {
      failures = options.store.recordRanks(batch.map((p) => p.write));
    } catch (error) {
      failures = new Map(batch.map((_, i) => [i, error]));
    }
    const failed: RankWrite[] = [];
    batch.forEach((p, i) => {
      const error = failures.get(i);
      if (error === undefined) p.resolve();
      else {
        failed.push(p.write);
        p.reject(error);
      }
    });
    if (failed.length > 0) options.onFailed(failed, failures.values().next().value);
  };

  return {
    taken: (eventId) => ids.has(eventId) || options.store.hasEvent(eventId),
    append(write) {
      if (closed || buffer.length >= options.maxPending) {
        return Promise.reject(new PersonalizerError('ServiceUnavailable', 'too many ranks are waiting to be written: retry shortly'));
      }
      return new Promise<void>((resolve, reject) => {
        buffer.push({ write, resolve, reject });
        ids.add(write.event.eventId);
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            flush();
          });
        }
      });
    },
    flush,
    pending: () => buffer.length,
    close() {
      flush();
      closed = true;
    },
  };
}
