/**
 * Rank events are written by group commit (group-commit.ts): a rank is answered once its event is on disk, and the
 * ranks of one event-loop turn share a transaction, each in its own savepoint so one that fails rejects alone.
 * A reward, an activation or a read of the logs flushes first, so it always finds the event.
 */
import { createGroupCommit } from './group-commit.js';
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

export function createRankLog(options: RankLogOptions): RankLog {
  const waiting = new Set<string>();
  const commit = createGroupCommit<RankWrite>({
    maxPending: options.maxPending,
    flushMs: options.flushMs,
    writeBatch: (writes) => {
      for (const w of writes) waiting.delete(w.event.eventId);
      return options.store.recordRanks(writes);
    },
    onFailed: options.onFailed,
  });
  return {
    admit: commit.admit,
    taken: (eventId) => waiting.has(eventId) || options.store.hasEvent(eventId),
    append(write) {
      const id = write.event.eventId;
      waiting.add(id);
      const written = commit.append(write);
      // Refused at once (backpressure): the id was never taken.
      written.catch(() => (commit.buffered().includes(write) ? undefined : waiting.delete(id)));
      return written;
    },
    flush: commit.flush,
    close: commit.close,
  };
}
