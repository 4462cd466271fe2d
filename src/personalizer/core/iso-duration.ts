/**
 * Personalizer's durations (rewardWaitTime, modelExportFrequency): ISO 8601 durations (`PT10M`, `P1DT2H`, `PT0.5S`)
 * and, because Personalizer's portal and older SDK samples wrote them too, .NET TimeSpan text (`00:10:00`,
 * `1.00:00:00`). Years and months have no fixed length, so `P1Y` and `P1M` are refused; so are negative durations.
 */

const MS = { W: 604_800_000, D: 86_400_000, H: 3_600_000, M: 60_000, S: 1_000 } as const;
const NUMBER = '(\\d+(?:[.,]\\d+)?)';
/** PnW | PnDTnHnMnS with every part optional (at least one must be present, checked below). */
const ISO = new RegExp(`^P(?:${NUMBER}W)?(?:${NUMBER}D)?(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`);
/** [d.]hh:mm[:ss[.fffffff]] — TimeSpan's invariant "c" format, hours < 24, minutes and seconds < 60. */
const TIMESPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;

/** Milliseconds of a duration text, or undefined when it is not one (or has no fixed length). Rounded to whole ms. */
export function parseIsoDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const iso = ISO.exec(text);
  if (iso) {
    const [, w, d, h, m, s] = iso;
    if (w === undefined && d === undefined && h === undefined && m === undefined && s === undefined) return undefined; // P, PT
    if (text.endsWith('T')) return undefined; // P1DT
    let ms = 0;
    const parts: [string | undefined, number][] = [[w, MS.W], [d, MS.D], [h, MS.H], [m, MS.M], [s, MS.S]];
    for (const [value, unit] of parts) if (value !== undefined) ms += Number(value.replace(',', '.')) * unit;
    return finite(ms);
  }
  const span = TIMESPAN.exec(text);
  if (span) {
    const [, d, h, m, s, f] = span;
    const hours = Number(h);
    const minutes = Number(m);
    const seconds = s === undefined ? 0 : Number(s);
    if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
    const fraction = f === undefined ? 0 : Number(`0.${f}`);
    return finite((d === undefined ? 0 : Number(d)) * MS.D + hours * MS.H + minutes * MS.M + (seconds + fraction) * MS.S);
  }
  return undefined;
}

function finite(ms: number): number | undefined {
  const rounded = Math.round(ms);
  return Number.isSafeInteger(rounded) ? rounded : undefined;
}

/** A duration in ms as ISO 8601 (600000 → `PT10M`, 90061500 → `P1DT1H1M1.5S`, 0 → `PT0S`). */
export function formatIsoDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a duration must be a finite non-negative number of ms, got ${ms}`);
  let rest = Math.round(ms);
  const days = Math.floor(rest / MS.D);
  rest -= days * MS.D;
  const hours = Math.floor(rest / MS.H);
  rest -= hours * MS.H;
  const minutes = Math.floor(rest / MS.M);
  rest -= minutes * MS.M;
  const seconds = rest / MS.S;
  let time = '';
  if (hours > 0) time += `${hours}H`;
  if (minutes > 0) time += `${minutes}M`;
  if (seconds > 0) time += `${Number(seconds.toFixed(3))}S`;
  if (days === 0 && time === '') return 'PT0S';
  return `P${days > 0 ? `${days}D` : ''}${time === '' ? '' : `T${time}`}`;
}
