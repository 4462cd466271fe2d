/**
 * Time windows of the measurement calls (dashboard, lift, evaluations): the instants they take, defaults, bucket
 * alignment and the from < to check.
 *
 * Instants are ISO-8601 (`2026-12-01`, `2026-12-01T10:00:00Z`, with an offset) or Unix ms. Date.parse alone is not the
 * check: it rolls an impossible date over ('2026-02-30' → 2 March) and reads a date-time without an offset in the
 * server's time zone, so both are refused.
 */
import { AppError } from '../errors.js';
import type { WindowQuery } from './types.js';

/** Latest time a JS Date holds (ECMA-262 §21.4.1.1: ±8.64 × 10¹⁵ ms). */
const MAX_TIME_MS = 8.64e15;
/** A date, or a date-time with an explicit offset. */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** Whether year-month-day names a day of the calendar (month 1–12, day within that month). */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Unix ms of an ISO-8601 or Unix-ms text, or undefined when it is neither (or outside 1970 … year 275,760). */
export function parseTimeParam(text: string): number | undefined {
  const trimmed = text.trim();
  let ms = Number.NaN;
  if (/^\d{1,16}$/.test(trimmed)) ms = Number(trimmed);
  else {
    const iso = ISO_INSTANT.exec(trimmed);
    if (iso && isCalendarDate(Number(iso[1]), Number(iso[2]), Number(iso[3]))) ms = Date.parse(trimmed);
  }
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIME_MS ? ms : undefined;
}

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
