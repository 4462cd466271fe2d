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
