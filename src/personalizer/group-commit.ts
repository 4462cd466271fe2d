/**
 * Group commit, as the decision log does it (src/domain/decision-log.ts): a caller appends a write and is answered
 * once the batch holding it has committed, so nothing answered is lost, while the writes of one event-loop turn
 * share one transaction (a commit costs ~100 µs on this hardware; one per request halved the throughput).
 * `writeBatch` reports the writes that failed alone, by index; a throw fails the whole batch.
 */
import { PersonalizerError } from './types.js';

export interface GroupCommit<T> {
  /** Throws the 503 that `append` would give now, so a refused write can be refused before anything changes. */
  admit(): void;
  /** Resolves once the write is committed; rejects when it could not be written. */
  append(item: T): Promise<void>;
  /** Writes everything buffered now. */
  flush(): void;
  /** Writes waiting for their commit. */
  buffered(): readonly T[];
  /** Flushes, and refuses every later append (503). */
  close(): void;
}

export interface GroupCommitOptions<T> {
  writeBatch: (items: readonly T[]) => Map<number, unknown>;
  /** At most this many writes wait for their commit; beyond it an append is refused with 503. */
  maxPending: number;
  /** 0: one batch per event-loop turn; > 0: a batch collects for at most this long (KAIROS_DECISION_FLUSH). */
  flushMs?: number;
  /** Told about the writes of a batch that failed (after their promises rejected). */
  onFailed?: (items: readonly T[], error: unknown) => void;
}

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createGroupCommit<T>(options: GroupCommitOptions<T>): GroupCommit<T> {
  let buffer: Waiting<T>[] = [];
  let scheduled = false;
  let closed = false;

  const flush = () => {
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    let failures: Map<number, unknown>;
    try {
      failures = options.writeBatch(batch.map((w) => w.item));
    } catch (error) {
      failures = new Map(batch.map((_, i) => [i, error]));
    }
    const failed: T[] = [];
    let first: unknown;
    batch.forEach((w, i) => {
      if (!failures.has(i)) return w.resolve();
      failed.push(w.item);
      first ??= failures.get(i);
      w.reject(failures.get(i));
    });
    if (failed.length > 0) options.onFailed?.(failed, first);
  };

  const refusal = () =>
    closed || buffer.length >= options.maxPending
      ? new PersonalizerError('ServiceUnavailable', 'too many writes are waiting for their commit: retry shortly')
      : undefined;

  return {
    admit() {
      const error = refusal();
      if (error) throw error;
    },
    append(item) {
      const error = refusal();
      if (error) return Promise.reject(error);
      return new Promise<void>((resolve, reject) => {
        buffer.push({ item, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          const run = () => {
            scheduled = false;
            flush();
          };
          if (options.flushMs) setTimeout(run, options.flushMs);
          else setImmediate(run);
        }
      });
    },
    flush,
    buffered: () => buffer.map((w) => w.item),
    close() {
      flush();
      closed = true;
    },
  };
}
