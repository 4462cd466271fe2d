/**
 * Instants as the measurement routes and POST /v1/evaluations take them: ISO-8601 (`2026-12-01`,
 * `2026-12-01T10:00:00Z`, with an offset) or Unix ms. Date.parse alone is not the check: it rolls an impossible date
 * over ('2026-02-30' → 2 March) and reads a date-time without an offset in the server's time zone, so both are refused.
 */

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
