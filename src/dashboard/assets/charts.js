// Chart specifications with Observable Plot (window.Plot, loaded from node_modules by index.html). Each function
// takes the rows it draws and the width available and returns the element Plot built (an SVG, or a figure with a
// legend). Intervals are drawn as rules from lo to hi with the estimate as a dot.
const Plot = globalThis.Plot;

const base = (width, height) => ({ width: Math.max(320, width), height, style: { fontSize: '12px' }, marginLeft: 56 });

/** Response rate (y) × volume (x) per action, bubble area ∝ value (Pega's view). */
export function bubble(rows, width) {
  const withRate = rows.filter((r) => r.responseRate !== null);
  const anyValue = withRate.some((r) => r.value > 0);
  return Plot.plot({
    ...base(width, 320),
    grid: true,
    x: { label: 'Decisions →', nice: true, zero: true },
    y: { label: '↑ Response rate', tickFormat: '.1%', zero: true, nice: true },
    r: { range: [4, 28] },
    color: { legend: true },
    marks: [
      Plot.dot(withRate, {
        x: 'decisions',
        y: 'responseRate',
        // Without value anywhere (every action valued 0) all bubbles get one size instead of vanishing at r = 0.
        r: anyValue ? (d) => Math.max(d.value, 1e-9) : 6,
        fill: 'actionId',
        fillOpacity: 0.55,
        stroke: 'actionId',
        title: (d) => `${d.actionId}\n${d.decisions} decisions\nresponse rate ${(100 * d.responseRate).toFixed(2)} %\nvalue ${d.value.toFixed(2)}`,
      }),
      Plot.text(withRate, { x: 'decisions', y: 'responseRate', text: 'actionId', dy: -14, fill: 'currentColor' }),
    ],
  });
}

/** Response rate per action per day: a line per action (gaps where a day had no closed outcome), a dot per day. */
export function responseRate(rows, width) {
  return Plot.plot({
    ...base(width, 300),
    grid: true,
    x: { type: 'utc', label: null },
    y: { label: '↑ Response rate', tickFormat: '.1%', zero: true },
    color: { legend: true },
    marks: [
      Plot.lineY(rows, { x: 't', y: 'responseRate', stroke: 'actionId' }),
      Plot.dot(rows, { x: 't', y: 'responseRate', fill: 'actionId', r: 2.5, title: (d) => `${d.actionId} ${d.t.toISOString().slice(0, 10)}: ${d.responses}/${d.responses + d.ignores}` }),
    ],
  });
}

/** Forest plot: each coefficient's posterior mean with its 95 % interval, and the zero line. */
export function forest(rows, width) {
  const longest = Math.max(6, ...rows.map((r) => r.feature.length));
  return Plot.plot({
    ...base(width, 40 + 22 * rows.length),
    marginLeft: Math.min(220, 12 + 6.5 * longest),
    x: { label: 'Coefficient (log-odds for logistic actions) →', grid: true },
    y: { label: null, domain: rows.map((r) => r.feature) },
    marks: [
      Plot.ruleX([0], { stroke: '#999', strokeDasharray: '3,3' }),
      Plot.ruleY(rows, { y: 'feature', x1: 'lo', x2: 'hi', stroke: '#2f6f9f', strokeWidth: 2 }),
      Plot.dot(rows, { y: 'feature', x: 'mean', fill: '#2f6f9f', r: 4, title: (d) => `${d.feature}: ${d.mean.toFixed(3)} [${d.lo.toFixed(3)}, ${d.hi.toFixed(3)}]` }),
    ],
  });
}

/** Predicted vs observed rate by decile of the prediction, per action, with the diagonal. */
export function calibration(rows, width) {
  const top = Math.max(0.01, ...rows.map((r) => Math.max(r.predicted, r.observed))) * 1.05;
  return Plot.plot({
    ...base(width, 320),
    grid: true,
    x: { label: 'Predicted →', domain: [0, top], tickFormat: '.1%' },
    y: { label: '↑ Observed', domain: [0, top], tickFormat: '.1%' },
    r: { range: [2, 9] },
    color: { legend: true },
    marks: [
      Plot.link([0], { x1: 0, y1: 0, x2: top, y2: top, stroke: '#999', strokeDasharray: '4,3' }),
      Plot.line(rows, { x: 'predicted', y: 'observed', stroke: 'actionId', strokeOpacity: 0.5 }),
      Plot.dot(rows, { x: 'predicted', y: 'observed', r: 'count', fill: 'actionId', title: (d) => `${d.actionId}: predicted ${(100 * d.predicted).toFixed(2)} %, observed ${(100 * d.observed).toFixed(2)} % (${d.count})` }),
    ],
  });
}

/** AUC per action with its interval, and chance (0.5). */
export function auc(rows, width) {
  return Plot.plot({
    ...base(width, 40 + 26 * rows.length),
    marginLeft: 120,
    x: { label: 'AUC →', domain: [0.3, 1], grid: true },
    y: { label: null, domain: rows.map((r) => r.actionId) },
    marks: [
      Plot.ruleX([0.5], { stroke: '#999', strokeDasharray: '3,3' }),
      Plot.ruleY(rows.filter((r) => r.lo !== null), { y: 'actionId', x1: 'lo', x2: 'hi', stroke: '#2f6f9f', strokeWidth: 2 }),
      Plot.dot(rows, { y: 'actionId', x: 'auc', fill: '#2f6f9f', r: 4, title: (d) => `${d.actionId}: AUC ${d.auc.toFixed(3)} (${d.scored} scored)` }),
    ],
  });
}

/** Share of decision requests by outcome: offered, or each no-action reason. */
export function noAction(rows, width) {
  return Plot.plot({
    ...base(width, 40 + 30 * rows.length),
    marginLeft: 130,
    x: { label: 'Share of decision requests →', tickFormat: '.0%', domain: [0, 1], grid: true },
    y: { label: null, domain: rows.map((r) => r.reason) },
    marks: [
      Plot.barX(rows, { x: 'share', y: 'reason', fill: (d) => (d.reason === 'offered' ? '#2f6f9f' : '#c98b3c'), title: (d) => `${d.reason}: ${d.count}` }),
      Plot.text(rows, { x: 'share', y: 'reason', text: (d) => `${(100 * d.share).toFixed(1)} %`, dx: 4, textAnchor: 'start' }),
    ],
  });
}

/** The outcome log as one bar: learned (applied) and not yet learned (lag). */
export function learner(lag, width) {
  const rows = [
    { part: 'learned', n: lag.appliedSeq },
    { part: 'not yet learned', n: lag.lag },
  ];
  return Plot.plot({
    ...base(width, 90),
    marginLeft: 20,
    x: { label: 'Feedback rows (seq) →', domain: [0, Math.max(1, lag.latestSeq)] },
    color: { domain: ['learned', 'not yet learned'], range: ['#2f6f9f', '#c98b3c'], legend: true },
    marks: [Plot.barX(rows, Plot.stackX({ x: 'n', fill: 'part', title: (d) => `${d.part}: ${d.n}` }))],
  });
}

/** Off-policy estimates: one row per policy and estimator, value with its 95 % interval. */
export function evaluations(rows, width) {
  const labels = rows.map((r) => `${r.policy} · ${r.estimator}`);
  return Plot.plot({
    ...base(width, 40 + 24 * rows.length),
    marginLeft: 160,
    x: { label: 'Value per decision →', grid: true },
    y: { label: null, domain: labels },
    color: { legend: true, domain: ['ips', 'snips', 'dr'] },
    marks: [
      Plot.ruleY(rows.filter((r) => Array.isArray(r.ci95)), { y: (d) => `${d.policy} · ${d.estimator}`, x1: (d) => d.ci95[0], x2: (d) => d.ci95[1], stroke: 'estimator', strokeWidth: 2 }),
      Plot.dot(rows, { y: (d) => `${d.policy} · ${d.estimator}`, x: 'value', fill: 'estimator', r: 4, title: (d) => `${d.policy} (${d.estimator}): ${d.value} — ESS ${Math.round(d.effectiveSampleSize ?? 0)}` }),
    ],
  });
}

/** Relative lift with its interval, per metric, and the zero line. */
export function lift(rows, width) {
  return Plot.plot({
    ...base(width, 100),
    marginLeft: 150,
    x: { label: 'Lift vs control →', tickFormat: '+.0%', grid: true },
    y: { label: null, domain: rows.map((r) => r.metric) },
    marks: [
      Plot.ruleX([0], { stroke: '#999', strokeDasharray: '3,3' }),
      Plot.ruleY(rows.filter((r) => r.lo !== null), { y: 'metric', x1: 'lo', x2: 'hi', stroke: '#2f6f9f', strokeWidth: 2 }),
      Plot.dot(rows, { y: 'metric', x: 'estimate', fill: '#2f6f9f', r: 4 }),
    ],
  });
}
