// The dashboard page: loads the data calls for the chosen window, fills the tiles and draws each chart into its
// [data-chart] slot. A chart whose endpoint or field this server lacks says "not available"; one that fails to draw
// says so in its own card (and on the console); a refused key (401/403) says so at the top. Nothing else breaks.
import { ApiError, getJson, getOptional, hasKey, setKey, takeKeyFromFragment } from './api.js';
import * as charts from './charts.js';
import * as f from './format.js';

const Z95 = 1.959963984540054;
const $ = (selector) => document.querySelector(selector);
const slot = (name) => document.querySelector(`[data-chart="${name}"]`);
const widthOf = (name) => Math.floor(slot(name).getBoundingClientRect().width) || 480;
let latestStats = null;

function note(name, className, text) {
  const p = document.createElement('p');
  p.className = className;
  p.textContent = text;
  slot(name).replaceChildren(p);
}
const unavailable = (name, why) => note(name, 'unavailable', `Not available: ${why}.`);

/** Draws one chart; an exception is shown in its card and logged, and the other charts still draw. */
function draw(name, build) {
  try {
    const element = build(widthOf(name));
    if (element) slot(name).replaceChildren(element);
  } catch (error) {
    console.error(`chart ${name} failed`, error);
    note(name, 'failed', `This chart could not be drawn: ${error.message}`);
  }
}

function tile(name, figure, sub = '') {
  document.querySelector(`[data-tile="${name}"]`).textContent = figure;
  const subElement = document.querySelector(`[data-tile-sub="${name}"]`);
  if (subElement) subElement.textContent = sub;
}

function message(text) {
  const element = $('#message');
  element.textContent = text ?? '';
  element.hidden = !text;
}

/** Window totals per action from the day series. */
function actionTotals(series) {
  return series.actions.map(({ actionId, points }) => {
    const t = { actionId, decisions: 0, responses: 0, ignores: 0, value: 0 };
    for (const p of points) {
      t.decisions += p.decisions;
      t.responses += p.responses;
      t.ignores += p.ignores;
      t.value += p.value;
    }
    t.responseRate = t.responses + t.ignores > 0 ? t.responses / (t.responses + t.ignores) : null;
    return t;
  });
}

function renderTiles(series, noAction, lift) {
  const totals = actionTotals(series);
  const responses = totals.reduce((s, t) => s + t.responses, 0);
  const closed = totals.reduce((s, t) => s + t.responses + t.ignores, 0);
  const value = totals.reduce((s, t) => s + t.value, 0);
  const opportunities = noAction.opportunities;
  tile('decisions', f.count(opportunities), `${f.count(noAction.noAction)} offered nothing`);
  tile('response-rate', f.percent(closed > 0 ? responses / closed : null, 2), `${f.count(responses)} responses of ${f.count(closed)} closed outcomes`);
  tile('value', f.number(opportunities > 0 ? value / opportunities : null), `${f.number(value)} in all`);
  if (!lift) {
    tile('lift', f.dash, 'Not available on this server.');
    unavailable('lift', 'this server has no GET /v1/lift');
    return;
  }
  const rr = lift.lift.responseRate;
  const vpo = lift.lift.valuePerOpportunity;
  tile('lift', f.change(rr.estimate), `response rate, ${f.interval(rr.ci95, f.change)}; control ${f.count(lift.control.opportunities)} of ${f.count(lift.policy.opportunities + lift.control.opportunities)}`);
  const rows = [
    { metric: 'response rate', estimate: rr.estimate, lo: rr.ci95?.[0] ?? null, hi: rr.ci95?.[1] ?? null },
    { metric: 'value / opportunity', estimate: vpo.estimate, lo: vpo.ci95?.[0] ?? null, hi: vpo.ci95?.[1] ?? null },
  ].filter((r) => r.estimate !== null);
  if (rows.length === 0) return unavailable('lift', 'no control decisions with outcomes in this window yet');
  draw('lift', (w) => charts.lift(rows, w));
}

function renderSeries(series) {
  const totals = actionTotals(series).filter((t) => t.responseRate !== null);
  if (totals.length === 0) unavailable('bubble', 'no outcomes in this window');
  else draw('bubble', (w) => charts.bubble(totals, w));
  const rows = series.actions.flatMap(({ actionId, points }) => points.map((p) => ({ actionId, ...p, t: new Date(p.t) })));
  if (!rows.some((r) => r.responseRate !== null)) unavailable('response-rate', 'no outcomes in this window');
  else draw('response-rate', (w) => charts.responseRate(rows, w));
}

function renderCoefficients() {
  const stats = latestStats;
  const select = $('#action');
  const action = stats.actions.find((a) => a.actionId === select.value) ?? stats.actions[0];
  if (!action) return unavailable('coefficients', 'no actions in the catalog');
  const rows = action.model.coefficients.map((c) => {
    const [lo, hi] = Array.isArray(c.ci95) ? c.ci95 : [c.mean - Z95 * c.sd, c.mean + Z95 * c.sd];
    return { feature: c.feature, mean: c.mean, lo, hi };
  });
  draw('coefficients', (w) => charts.forest(rows, w));
}

function renderActions(stats) {
  latestStats = stats;
  const select = $('#action');
  const chosen = select.value;
  // The action with the most evidence is the interesting default.
  const ids = [...stats.actions].sort((a, b) => b.decisions - a.decisions).map((a) => a.actionId);
  select.replaceChildren(...ids.map((id) => new Option(id, id)));
  select.value = ids.includes(chosen) ? chosen : (ids[0] ?? '');
  renderCoefficients();

  const withQuality = stats.actions.filter((a) => a.quality);
  if (withQuality.length === 0) {
    unavailable('calibration', 'this server does not report model quality');
    unavailable('auc', 'this server does not report model quality');
  } else {
    const bins = withQuality.flatMap((a) => (a.quality.calibration ?? []).map((b) => ({ actionId: a.actionId, ...b })));
    if (bins.length === 0) unavailable('calibration', 'no scored predictions yet');
    else draw('calibration', (w) => charts.calibration(bins, w));
    const aucs = withQuality
      .filter((a) => a.quality.auc !== null)
      .map((a) => ({ actionId: a.actionId, auc: a.quality.auc, lo: a.quality.aucCi95?.[0] ?? null, hi: a.quality.aucCi95?.[1] ?? null, scored: a.quality.scored }));
    if (aucs.length === 0) unavailable('auc', 'no action has both responses and ignores scored yet');
    else draw('auc', (w) => charts.auc(aucs, w));
  }

  const lag = stats.learner;
  if (!lag) {
    $('[data-tile="learner"]').textContent = f.dash;
    return unavailable('learner', 'this server does not report the learner cursor');
  }
  $('[data-tile="learner"]').textContent = `${f.count(lag.lag)} feedback rows not yet learned (applied seq ${f.count(lag.appliedSeq)} of ${f.count(lag.latestSeq)}).`;
  if (lag.latestSeq === 0) unavailable('learner', 'no feedback yet');
  else draw('learner', (w) => charts.learner(lag, w));
}

function renderNoAction(answer) {
  if (answer.opportunities === 0) return unavailable('no-action', 'no decisions in this window');
  const rows = [
    { reason: 'offered', count: answer.opportunities - answer.noAction },
    ...Object.entries(answer.reasons).map(([reason, count]) => ({ reason, count })),
  ].map((r) => ({ ...r, share: r.count / answer.opportunities }));
  draw('no-action', (w) => charts.noAction(rows, w));
}

function renderEvaluations(answer) {
  if (!answer) return unavailable('evaluations', 'this server has no GET /v1/evaluations');
  const done = answer.evaluations.find((e) => e.status === 'done' && Array.isArray(e.results) && e.results.length > 0);
  if (!done) return unavailable('evaluations', 'no finished evaluation yet (POST /v1/evaluations)');
  $('[data-tile="evaluation"]').textContent = `Evaluation ${done.evaluationId} of ${f.count(done.rows)} logged decisions, finished ${done.finishedAt ?? ''}.`;
  draw('evaluations', (w) => charts.evaluations(done.results.filter((r) => r.value !== null), w));
}

async function load() {
  message(null);
  const days = Number($('#window').value);
  const from = encodeURIComponent(f.windowStart(Date.now(), days));
  const [stats, series, noAction, lift, evaluations] = await Promise.allSettled([
    getJson('/v1/stats'),
    getJson(`/v1/stats/series?from=${from}`),
    getJson(`/v1/stats/no-action?from=${from}`),
    getOptional(`/v1/lift?from=${from}`),
    getOptional('/v1/evaluations?limit=20'),
  ]);
  const all = [stats, series, noAction, lift, evaluations];
  const refused = all.find((r) => r.status === 'rejected' && r.reason instanceof ApiError && (r.reason.status === 401 || r.reason.status === 403));
  if (refused) {
    const status = refused.reason.status;
    message(
      status === 401
        ? `The server needs an analyst key (401${hasKey() ? ': the key given was not accepted' : ''}). Enter it above, or open /dashboard#key=<key>.`
        : 'This key may not read the dashboard data (403): it needs the analyst or ops role.',
    );
    return;
  }
  const failures = all.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
  if (failures.length > 0) message(`Some data could not be loaded: ${failures.join('; ')}`);
  if (stats.status === 'fulfilled') renderActions(stats.value);
  if (series.status === 'fulfilled' && noAction.status === 'fulfilled') renderTiles(series.value, noAction.value, lift.status === 'fulfilled' ? lift.value : null);
  if (series.status === 'fulfilled') renderSeries(series.value);
  if (noAction.status === 'fulfilled') renderNoAction(noAction.value);
  if (evaluations.status === 'fulfilled') renderEvaluations(evaluations.value);
  document.body.dataset.loaded = String(Date.now());
}

function start() {
  takeKeyFromFragment();
  $('#window').addEventListener('change', () => void load());
  $('#refresh').addEventListener('click', () => void load());
  $('#action').addEventListener('change', () => latestStats && renderCoefficients());
  $('#key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    setKey($('#key').value.trim());
    $('#key').value = '';
    void load();
  });
  $('#forget-key').addEventListener('click', () => {
    setKey(null);
    void load();
  });
  void load();
}

start();
