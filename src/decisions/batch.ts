/**
 * Outbound lists (DESIGN.md §8.5): one decision per customer on one channel, each through the decision service's
 * public `decide`, so every policy applies to every entry. Entries are decided in chunks: a chunk's decisions join
 * one group commit, and the batch waits for it before the next, so a batch never fills the write buffer past
 * `chunkSize` (KAIROS_MAX_PENDING_WRITES stays for other traffic) and the event loop turns between chunks (other
 * requests are served meanwhile). One entry's failure (422 unknown customer, 503 backpressure) is that entry's
 * answer alone.
 */
import type { DecisionService } from '../domain/types.js';
import type { BatchEntry, BatchRequest, BatchService } from './types.js';

export interface BatchDeps {
  decisions: Pick<DecisionService, 'decide'>;
  /** Decisions taken before the batch waits for their commit and yields; ≥ 1. */
  chunkSize: number;
}

/** Default chunk: ~10 ms of deciding on the demo catalog between turns of the event loop. */
export const BATCH_CHUNK = 256;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createBatchService(deps: BatchDeps): BatchService {
  const chunkSize = Math.max(1, Math.floor(deps.chunkSize));
  return {
    async decide(batch: BatchRequest, options = {}) {
      const results: BatchEntry[] = new Array(batch.requests.length);
      for (let start = 0; start < batch.requests.length; start += chunkSize) {
        if (options.stopped?.()) return results.slice(0, start);
        const chunk = batch.requests.slice(start, start + chunkSize);
        // decide() runs synchronously up to its group-commit wait: the whole chunk is appended in this turn.
        const settled = await Promise.allSettled(
          chunk.map((entry) =>
            deps.decisions.decide({
              customerId: entry.customerId,
              channel: batch.channel,
              ...(entry.context !== undefined ? { context: entry.context } : {}),
              ...(batch.slots !== undefined ? { slots: batch.slots } : {}),
              ...(batch.activate !== undefined ? { activate: batch.activate } : {}),
              ...(batch.explain !== undefined ? { explain: batch.explain } : {}),
            }),
          ),
        );
        settled.forEach((outcome, i) => {
          results[start + i] =
            outcome.status === 'fulfilled'
              ? { ok: true, response: outcome.value }
              : { ok: false, error: outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason)) };
        });
        await turn();
      }
      return results;
    },
  };
}
