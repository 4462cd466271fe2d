// Number formatting for tiles and tooltips: null (not computable) shows as an en dash, never NaN.
const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en', { maximumSignificantDigits: 3 });

export const dash = '–';

export function count(n) {
  return n === null || n === undefined ? dash : integer.format(n);
}

export function number(x) {
  return x === null || x === undefined || !Number.isFinite(x) ? dash : compact.format(x);
}

export function percent(x, digits = 1) {
  return x === null || x === undefined || !Number.isFinite(x) ? dash : `${(100 * x).toFixed(digits)} %`;
}

/** A signed relative change: +23.4 %. */
export function change(x) {
  return x === null || x === undefined || !Number.isFinite(x) ? dash : `${x >= 0 ? '+' : '−'}${(100 * Math.abs(x)).toFixed(1)} %`;
}

export function interval(ci, f = number) {
  return Array.isArray(ci) ? `95 %: ${f(ci[0])} … ${f(ci[1])}` : '95 % interval: not enough data';
}

/**
 * The `from` of every data call for a window of `days`: the start of the UTC day `days` back. The series counts whole
 * days and the no-action sums and the lift whole hours, so only a day-aligned start gives the tiles one window (a
 * value summed over more decisions than the opportunities it is divided by would read too high).
 */
export function windowStart(nowMs, days) {
  const DAY_MS = 86_400_000;
  return new Date(Math.floor((nowMs - days * DAY_MS) / DAY_MS) * DAY_MS).toISOString();
}
