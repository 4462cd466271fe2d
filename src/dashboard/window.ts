/** Time windows of the dashboard's data calls: defaults, bucket alignment and the from < to check. */
import { AppError } from '../errors.js';
import type { WindowQuery } from './types.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Without `from`, a window reaches this far back from `to` (the dashboard's default view). */
export const DEFAULT_WINDOW_MS = 30 * DAY_MS;

/** A window aligned to whole buckets: [fromBucket, toBucket) in bucket numbers (floor(ms / bucketMs)). */
export interface AlignedWindow {
  fromBucket: number;
  toBucket: number;
  from: string;
  to: string;
}

/**
 * `from` floored and `to` ceiled to the bucket, so the answer covers the whole asked span and states what it covered.
 * from ≥ to (as asked, before alignment) is a 400 naming `from`, and so is a window over `maxBuckets` (a series fills
 * every bucket, so its size is bounded by the window, not by the data).
 */
export function alignWindow(query: WindowQuery, now: number, bucketMs: number, maxBuckets = Number.POSITIVE_INFINITY): AlignedWindow {
  const to = query.to ?? now;
  const from = query.from ?? to - DEFAULT_WINDOW_MS;
  if (from >= to) {
    throw new AppError('validation', `from (${new Date(from).toISOString()}) must be before to (${new Date(to).toISOString()})`, [
      { field: 'from', message: 'must be before to' },
    ]);
  }
  const fromBucket = Math.floor(from / bucketMs);
  const toBucket = Math.ceil(to / bucketMs);
  if (toBucket - fromBucket > maxBuckets) {
    throw new AppError('validation', `the window spans ${toBucket - fromBucket} buckets, over the limit of ${maxBuckets}`, [
      { field: 'from', message: `at most ${maxBuckets} buckets before to` },
    ]);
  }
  return { fromBucket, toBucket, from: new Date(fromBucket * bucketMs).toISOString(), to: new Date(toBucket * bucketMs).toISOString() };
}
