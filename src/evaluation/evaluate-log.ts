/**
 * One evaluation from start to end over a source of the log: chunks of LOG_CHUNK_ROWS decisions in time order through
 * the replay, reporting the share done after each chunk. Runs in the evaluation worker (src/evaluation/runner.ts), in
 * `npm run evaluate` and in `npm run bench:evaluate` — the same code.
 */
import { createReplay } from './replay.js';
import type { LoggedDecision, ReplayOutcome, ReplaySetup } from './types.js';

export const LOG_CHUNK_ROWS = 2_000;

export interface LogWindow {
  from: number;
  to: number;
  channel: string | null;
}

/** The log in time order (created_at, id), a chunk at a time after the last decision read. */
export interface LogSource {
  read(window: LogWindow, cursor: { createdAt: number; id: string } | null, limit: number): LoggedDecision[];
}

/** `total`: decisions in the window (the progress denominator). */
export function evaluateLog(source: LogSource, window: LogWindow, setup: ReplaySetup, total: number, onProgress?: (done: number) => void): ReplayOutcome {
  const replay = createReplay(setup);
  let cursor: { createdAt: number; id: string } | null = null;
  let read = 0;
  for (;;) {
    const rows = source.read(window, cursor, LOG_CHUNK_ROWS);
    if (rows.length === 0) break;
    replay.add(rows);
    read += rows.length;
    const last = rows[rows.length - 1]!;
    cursor = { createdAt: last.createdAt, id: last.id };
    onProgress?.(total > 0 ? Math.min(1, read / total) : 1);
    if (rows.length < LOG_CHUNK_ROWS) break;
  }
  return replay.finish();
}
