/**
 * Group commit: a caller appends a write and is answered once the batch holding it has committed, so nothing
 * answered is lost, while the writes of one event-loop turn (or of `flushMs` when > 0) share one transaction — a
 * commit costs ~100 µs on this hardware, one per request halved the throughput. The decision log
 * (src/domain/decision-log.ts) and the Personalizer loop's ranks and rewards (src/personalizer) are built on it.
 *
 * `writeBatch` writes the batch in one transaction and reports the writes that failed alone, by index (their
 * promises reject; the others resolve); a throw fails the whole batch. Backpressure: past `maxPending` waiting
 * writes, or once closed, an append is refused at once with the caller's error.
 */
export interface GroupCommit<T> {
  /** Throws what `append` would be refused with now, so a refused write can be refused before anything changes. */
  admit(): void;
  /** Resolves once the write is committed; rejects when it was not written. */
  append(item: T): Promise<void>;
  /** Writes everything buffered now, in one transaction. */
  flush(): void;
  /** Writes waiting for their commit. */
  pending(): number;
  /** Flushes, and refuses every later append. */
  close(): void;
}

export interface GroupCommitOptions<T> {
  writeBatch: (items: readonly T[]) => Map<number, unknown>;
  /** 0: one batch per event-loop turn; > 0: a batch collects for at most this long. */
  flushMs: number;
  /** At most this many writes wait for their commit. */
  maxPending: number;
  /** The error an append is refused with: after `close`, or with `waiting` writes already buffered. */
  refusal: (reason: 'closed' | 'full', waiting: number) => Error;
  /**
   * What the failed writes reject with, told once for a whole batch that threw (`whole`) or once per write that
   * failed alone; the place to log them. Default: the error itself.
   */
  failed?: (error: unknown, items: readonly T[], whole: boolean) => unknown;
  /** Called as a batch is taken out of the buffer, before it is written (the decision log resets its overlay). */
  taken?: (items: readonly T[]) => void;
}

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createGroupCommit<T>(options: GroupCommitOptions<T>): GroupCommit<T> {
  const { writeBatch, flushMs, maxPending, refusal } = options;
  const failed = options.failed ?? ((error: unknown) => error);
  let buffer: Waiting<T>[] = [];
  let scheduled: { cancel(): void } | undefined;
  let closed = false;

  const flush = (): void => {
    scheduled?.cancel();
    scheduled = undefined;
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    const items = batch.map((w) => w.item);
    options.taken?.(items);
    let failures: Map<number, unknown>;
    try {
      failures = writeBatch(items);
    } catch (error) {
      const reason = failed(error, items, true);
      for (const w of batch) w.reject(reason);
      return;
    }
    batch.forEach((w, index) => {
      if (!failures.has(index)) return w.resolve();
      w.reject(failed(failures.get(index), [w.item], false));
    });
  };

  const schedule = (): void => {
    if (scheduled) return;
    if (flushMs > 0) {
      const timer = setTimeout(flush, flushMs);
      scheduled = { cancel: () => clearTimeout(timer) };
    } else {
      // After this turn's I/O callbacks: every request parsed in the same turn joins the batch.
      const immediate = setImmediate(flush);
      scheduled = { cancel: () => clearImmediate(immediate) };
    }
  };

  const admit = (): void => {
    if (closed) throw refusal('closed', buffer.length);
    if (buffer.length >= maxPending) throw refusal('full', buffer.length);
  };

  return {
    admit,
    append(item) {
      try {
        admit();
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<void>((resolve, reject) => {
        buffer.push({ item, resolve, reject });
        schedule();
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
