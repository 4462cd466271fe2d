/**
 * Rank events are written by group commit (src/domain/group-commit.ts): a rank is answered once its event is on disk, and the
 * ranks of one event-loop turn share a transaction, each in its own savepoint so one that fails rejects alone.
 * A reward, an activation or a read of the logs flushes first, so it always finds the event.
 */
import { createGroupCommit } from '../domain/group-commit.js';
import { PersonalizerError } from './types.js';
import type { PersonalizerStore, RankWrite } from './store.js';

export interface RankLog {
  /** Whether the event id is taken: waiting here or already stored. */
  taken(eventId: string): boolean;
  /** Throws the 503 an append would give now. */
  admit(): void;
  append(write: RankWrite): Promise<void>;
  flush(): void;
  close(): void;
}

export interface RankLogOptions {
  store: Pick<PersonalizerStore, 'recordRanks' | 'hasEvent'>;
  maxPending: number;
  flushMs?: number;
  /** A write failed: its new actions must leave the in-memory state (they are not stored). */
  onFailed: (writes: readonly RankWrite[], error: unknown) => void;
}

/** The 503 (with Retry-After: 1, as the decision log's) of a write refused by backpressure or after close. */
export function writeRefusal(reason: 'closed' | 'full'): PersonalizerError {
  return new PersonalizerError(
    'ServiceUnavailable',
    reason === 'closed' ? 'the service is shutting down' : 'too many writes are waiting for their commit: retry shortly',
    undefined,
    { retryAfterSeconds: 1 },
  );
}

export function createRankLog(options: RankLogOptions): RankLog {
  // Event ids of the buffered ranks (all of them leave the buffer together, at the flush).
  const waiting = new Set<string>();
  const commit = createGroupCommit<RankWrite>({
    maxPending: options.maxPending,
    flushMs: options.flushMs ?? 0,
    writeBatch: (writes) => options.store.recordRanks(writes),
    refusal: writeRefusal,
    taken: () => waiting.clear(),
    failed: (error, writes) => {
      options.onFailed(writes, error);
      return error;
    },
  });
  return {
    admit: commit.admit,
    taken: (eventId) => waiting.has(eventId) || options.store.hasEvent(eventId),
    append(write) {
      try {
        commit.admit();
      } catch (error) {
        return Promise.reject(error);
      }
      const written = commit.append(write);
      waiting.add(write.event.eventId);
      return written;
    },
    flush: commit.flush,
    close: commit.close,
  };
}
