/**
 * Decisions are written in batches: the hot path appends to a buffer and one transaction writes the buffer
 * at most `flushMs` later. Feedback for a decision still in the buffer flushes it first, so a client can post
 * feedback right after its decision. A process crash loses at most the last `flushMs` of decisions (their
 * feedback would then be a 404, never a wrong update).
 */
import type { Db } from '../../db/open.js';
import { insertDecisions, type DecisionRecord } from '../../db/stores/decisions.js';

export interface DecisionLog {
  append(record: DecisionRecord): void;
  /** Writes everything buffered, in one transaction. */
  flush(): void;
  /** Whether the id is still buffered (not yet written). */
  holds(decisionId: string): boolean;
  close(): void;
}

export function createDecisionLog(db: Db, flushMs: number, onError: (error: unknown) => void): DecisionLog {
  let buffer: DecisionRecord[] = [];
  let ids = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    ids = new Set();
    insertDecisions(db, batch);
  };

  return {
    append(record) {
      buffer.push(record);
      ids.add(record.id);
      if (flushMs <= 0) {
        flush();
        return;
      }
      timer ??= setTimeout(() => {
        timer = undefined;
        try {
          flush();
        } catch (error) {
          onError(error);
        }
      }, flushMs);
    },
    flush,
    holds: (decisionId) => ids.has(decisionId),
    close() {
      flush();
    },
  };
}
