/** A hand-written SVG line chart of cumulative regret per player (no plotting dependency). */

export interface Series {
  name: string;
  /** y values at the shared x positions. */
  values: ArrayLike<number>;
}

const WIDTH = 760;
const HEIGHT = 420;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 50 };
const COLOURS = ['#9e9e9e', '#1565c0', '#e65100', '#2e7d32', '#6a1b9a', '#c62828', '#00838f', '#4e342e'];

/** Up to ~6 round tick values covering [0, max] (1, 2 or 5 × 10ⁿ steps). */
export function niceTicks(max: number, target = 6): number[] {
  if (!(max > 0)) return [0];
  const raw = max / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const label = (v: number): string => v.toLocaleString('en-US', { maximumFractionDigits: 0 });

export function regretChart(title: string, xs: ArrayLike<number>, series: readonly Series[], xLabel = 'round', yLabel = 'cumulative regret'): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xMax = xs.length ? xs[xs.length - 1]! : 1;
  let yMax = 0;
  for (const s of series) for (let i = 0; i < s.values.length; i += 1) yMax = Math.max(yMax, s.values[i]!);
  const yTicks = niceTicks(yMax);
  const xTicks = niceTicks(xMax);
  const yTop = Math.max(yTicks[yTicks.length - 1]!, yMax) || 1;
  const px = (x: number): number => MARGIN.left + (x / xMax) * plotW;
  const py = (y: number): number => MARGIN.top + plotH - (y / yTop) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  for (const t of yTicks) {
    const y = py(t).toFixed(1);
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}" stroke="#e0e0e0"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${label(t)}</text>`);
  }
  for (const t of xTicks) {
    const x = px(t).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 5}" stroke="#616161"/>`);
    parts.push(`<text x="${x}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${label(t)}</text>`);
  }
  parts.push(
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#616161"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#616161"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">${escape(xLabel)}</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`,
  );
  series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length]!;
    const points = [`${px(0).toFixed(1)},${py(0).toFixed(1)}`];
    for (let i = 0; i < Math.min(xs.length, s.values.length); i += 1) points.push(`${px(xs[i]!).toFixed(1)},${py(s.values[i]!).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(' ')}"/>`);
    const ly = MARGIN.top + 12 + k * 18;
    parts.push(`<line x1="${MARGIN.left + 12}" x2="${MARGIN.left + 36}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`);
    const last = s.values.length ? s.values[s.values.length - 1]! : 0;
    parts.push(`<text x="${MARGIN.left + 42}" y="${ly}" dominant-baseline="middle">${escape(`${s.name} (${label(last)})`)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
