/**
 * The dashboard's data calls at scale (issue #11: ≤ 50 ms at 10⁷ logged decisions). Fills the aggregates the calls
 * read — `action_day_counts` for every action and day, `decision_counts` by hour × channel × category × group ×
 * no-action reason, the feedback high-water mark and the learner cursor — as 10⁷ decisions over 90 days would leave
 * them, then times each call through the app (app.request: routing, validation, the query, JSON) and prints each
 * query's SQLite plan, which shows that no call reads `decisions` or `feedback`. Prints a table, then one JSON line.
 *
 *   npm run bench:dashboard -- [--decisions 10000000] [--days 90] [--actions 50] [--calls 100]
 */
import { parseArgs } from 'node:util';
import { CATEGORIES, NO_ACTION_REASONS } from '../src/domain/types.js';
import { intOption, ms, openBenchDb, quantile } from './lib/bench-app.js';

const HELP = `Usage: npm run bench:dashboard -- [options]

  --decisions <n>   decisions the aggregates describe (default 10000000)
  --days <n>        days they span, ending today (default 90)
  --actions <n>     actions in the catalog and in action_day_counts (default 50)
  --calls <n>       timed calls per data call, after 5 untimed (default 100; p50, p99 and max reported)
  -h, --help        show this help`;

const CHANNELS = ['app', 'web', 'email', 'branch', 'call-centre'];
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

function options() {
  const { values } = parseArgs({
    options: {
      decisions: { type: 'string', default: '10000000' },
      days: { type: 'string', default: '90' },
      actions: { type: 'string', default: '50' },
      calls: { type: 'string', default: '100' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  return {
    decisions: intOption('decisions', values.decisions, 1000, 1e10),
    days: intOption('days', values.days, 1, 400),
    actions: intOption('actions', values.actions, 1, 1000),
    calls: intOption('calls', values.calls, 50, 100_000),
  };
}


async function main(): Promise<void> {
  const opts = options();
  if (!opts) {
    console.log(HELP);
    return;
  }
  const bench = openBenchDb('dashboard');
  const { db } = bench;
  const { engine, app } = bench.appOn();
  engine.services.catalog.putSchema([{ name: 'age', type: 'numeric', min: 18, max: 90 }], CHANNELS);
  const actions = Array.from({ length: opts.actions }, (_, i) => `action-${String(i).padStart(3, '0')}`);
  actions.forEach((id, i) => engine.services.catalog.putAction(id, { name: id, category: CATEGORIES[i % CATEGORIES.length]!, value: 1 + (i % 7) }));

  const fillStart = performance.now();
  const today = Math.floor(Date.now() / DAY_MS);
  const firstDay = today - opts.days + 1;
  const perDay = opts.decisions / opts.days;
  // 80 % of decisions offer one action (spread over the actions), 20 % offer nothing (spread over the reasons).
  const insertDay = db.sqlite.prepare(
    'INSERT INTO action_day_counts (action_id, day, decisions, responses, ignores, value) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertHour = db.sqlite.prepare(
    `INSERT INTO decision_counts (hour, channel, category, "group", no_action_reason, opportunities, contacts, responses, responses_sq, value, value_sq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let opportunities = 0;
  let dayRows = 0;
  let hourRows = 0;
  db.sqlite.transaction(() => {
    for (let day = firstDay; day <= today; day += 1) {
      for (const [i, id] of actions.entries()) {
        const decisions = Math.round((0.8 * perDay) / actions.length);
        const responses = Math.round(decisions * (0.02 + 0.001 * (i % 20)));
        insertDay.run(id, day, decisions, responses, Math.round(0.7 * decisions) - responses, responses * (1 + (i % 7)));
        dayRows += 1;
      }
      const perCell = perDay / 24 / CHANNELS.length;
      for (let hour = day * 24; hour < day * 24 + 24; hour += 1) {
        for (const channel of CHANNELS) {
          for (const group of ['policy', 'control']) {
            const share = group === 'policy' ? 0.98 : 0.02;
            const cells: [string, string, number][] = [
              ...CATEGORIES.map((category): [string, string, number] => [category, '', (0.8 * share * perCell) / CATEGORIES.length]),
              ...NO_ACTION_REASONS.map((reason): [string, string, number] => ['', reason, (0.2 * share * perCell) / NO_ACTION_REASONS.length]),
            ];
            for (const [category, reason, n] of cells) {
              const count = Math.round(n);
              const responses = reason === '' ? Math.round(count * 0.03) : 0;
              insertHour.run(hour, channel, category, group, reason, count, reason === '' ? count : 0, responses, responses, responses * 3, responses * 9);
              opportunities += count;
              hourRows += 1;
            }
          }
        }
      }
    }
    // The feedback high-water mark and the learner cursor of a log of this size (70 % closed, 2,000 not yet learned).
    const latestSeq = Math.round(0.7 * opts.decisions);
    db.sqlite.prepare("INSERT OR REPLACE INTO sqlite_sequence (name, seq) VALUES ('feedback', ?)").run(latestSeq);
    db.sqlite.prepare('INSERT OR REPLACE INTO learner_state (id, applied_seq) VALUES (1, ?)').run(latestSeq - 2000);
  })();
  const fillSeconds = (performance.now() - fillStart) / 1000;
  process.stderr.write(`filled ${dayRows} action_day_counts and ${hourRows} decision_counts rows (${opportunities.toLocaleString('en-US')} decisions) in ${fillSeconds.toFixed(1)} s\n`);

  const from = (days: number) => new Date((today + 1 - days) * DAY_MS).toISOString();
  const calls: { name: string; path: string; check: (body: any) => void }[] = [];
  // Longest first: the 90-day calls' first call is the cold case (nothing in SQLite's page cache yet).
  for (const days of [90, 30, 7].filter((d) => d <= opts.days)) {
    calls.push({
      name: `series ${days}d`,
      path: `/v1/stats/series?from=${from(days)}`,
      check: (b) => {
        if (b.actions.length !== actions.length || b.actions[0].points.length !== days) throw new Error(`series ${days}d: ${b.actions.length} actions, ${b.actions[0]?.points.length} points`);
      },
    });
    calls.push({
      name: `no-action ${days}d`,
      path: `/v1/stats/no-action?from=${from(days)}`,
      check: (b) => {
        if (!(b.opportunities > 0 && b.noAction > 0)) throw new Error(`no-action ${days}d: ${JSON.stringify(b)}`);
      },
    });
  }
  calls.push({ name: 'stats (+ learner lag)', path: '/v1/stats', check: (b) => {
    if (b.learner.lag !== 2000) throw new Error(`learner lag ${JSON.stringify(b.learner)}`);
  } });

  const results: Record<string, number | string>[] = [];
  for (const call of calls) {
    const times: number[] = [];
    let firstMs = 0;
    for (let i = 0; i < opts.calls + 5; i += 1) {
      const t0 = performance.now();
      const res = await app.request(call.path);
      const body = await res.json();
      const elapsed = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${call.path} answered ${res.status}: ${JSON.stringify(body)}`);
      if (i === 0) {
        call.check(body);
        firstMs = elapsed;
      }
      if (i >= 5) times.push(elapsed);
    }
    times.sort((a, b) => a - b);
    results.push({ call: call.name, firstMs: ms(firstMs), p50Ms: ms(quantile(times, 0.5)), p99Ms: ms(quantile(times, 0.99)), maxMs: ms(times[times.length - 1]!) });
  }

  const wholeWindow = `/v1/stats/no-action?from=${new Date(firstDay * DAY_MS).toISOString()}&to=${new Date((today + 1) * DAY_MS).toISOString()}`;
  const whole = (await (await app.request(wholeWindow)).json()) as { opportunities: number };
  if (whole.opportunities !== opportunities) throw new Error(`no-action counts ${whole.opportunities} opportunities, the aggregates hold ${opportunities}`);

  const plans: Record<string, string[]> = {};
  const plan = (name: string, sql: string, ...args: number[]) => {
    plans[name] = (db.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);
  };
  plan('series', 'SELECT action_id, day, decisions, responses, ignores, value FROM action_day_counts WHERE action_id IN (SELECT id FROM actions) AND day >= ? AND day < ? ORDER BY action_id, day', firstDay, today + 1);
  plan('no-action (whole days)', 'SELECT no_action_reason, sum(opportunities) FROM decision_day_counts WHERE "day" >= ? AND "day" < ? GROUP BY no_action_reason', firstDay, today + 1);
  plan('no-action (edge hours)', 'SELECT no_action_reason, sum(opportunities) FROM decision_counts WHERE hour >= ? AND hour < ? GROUP BY no_action_reason', today * 24, today * 24 + 5);

  console.log(`Dashboard data calls over aggregates of ${opportunities.toLocaleString('en-US')} decisions in ${opts.days} days, ${opts.actions} actions × ${CHANNELS.length} channels (${opts.calls} timed calls each, app.request)`);
  console.log('(first: the first call after start)');
  console.log('call                     first ms    p50 ms    p99 ms    max ms');
  for (const r of results) console.log(`${String(r.call).padEnd(24)} ${String(r.firstMs).padStart(8)} ${String(r.p50Ms).padStart(9)} ${String(r.p99Ms).padStart(9)} ${String(r.maxMs).padStart(9)}`);
  for (const [name, detail] of Object.entries(plans)) console.log(`plan ${name}: ${detail.join(' | ')}`);
  console.log(JSON.stringify({ bench: 'dashboard', node: process.version, options: opts, decisions: opportunities, actionDayRows: dayRows, decisionCountRows: hourRows, fillSeconds: ms(fillSeconds), results, plans }));
  await engine.close();
  bench.cleanup();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
