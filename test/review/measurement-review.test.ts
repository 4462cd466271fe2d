/**
 * Review of the merged measurement parts (issue #11): the defects found by using the service as a user would, each
 * pinned by a test that failed before its fix.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertAction } from '../../db/stores/catalog.js';
import { createSqliteCustomerStore } from '../../db/stores/customers.js';
import { activateDecision, expireDecisions, insertDecisions } from '../../db/stores/decisions.js';
import { insertFeedback, maxFeedbackSeq } from '../../db/stores/feedback.js';
import { setAppliedSeq } from '../../db/stores/learner-state.js';
import { createSqliteLiftStore } from '../../db/stores/lift.js';
import { pruneDecisions } from '../../db/stores/retention.js';
import { chosen, decision as fixtureDecision } from '../db/fixtures.js';
import { openTempDb, type TempDb } from '../db/temp-db.js';
import type { TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { createBank, DAY_MS, decide, feedback, put, START, type Bank } from '../helpers/nba.js';

describe('time parameters of the measurement routes', () => {
  let h: TestHarness;
  beforeEach(async () => {
    h = (await createBank()).h;
  });
  afterEach(async () => {
    await h.close();
  });

  // Date.parse rolls an impossible calendar date over into the next month ('2026-02-30' is 2 March), and reads a
  // date-time without an offset in the server's time zone: both answered 200 for a window nobody asked for.
  const routes = ['/v1/lift', '/v1/stats/series', '/v1/stats/no-action'];
  const impossible = ['2026-02-30', '2026-02-29T10:00:00Z', '2026-04-31T00:00:00+02:00', '2026-06-00'];

  for (const route of routes) {
    it(`${route}: an impossible calendar date is a 400 naming the parameter`, async () => {
      for (const date of impossible) {
        const reply = await send(h, 'GET', `${route}?from=${encodeURIComponent(date)}`);
        expectStatus(reply, 400);
        expect(reply.body.errors[0].field, date).toBe('from');
      }
      const to = await send(h, 'GET', `${route}?to=2026-11-31`);
      expectStatus(to, 400);
      expect(to.body.errors[0].field).toBe('to');
    });

    it(`${route}: a date-time without an offset is a 400 (it would depend on the server's time zone)`, async () => {
      const reply = await send(h, 'GET', `${route}?to=2026-12-01T10:00`);
      expectStatus(reply, 400);
      expect(reply.body.errors[0].field).toBe('to');
    });

    it(`${route}: valid dates, date-times with an offset and Unix ms still answer`, async () => {
      for (const [from, to] of [
        ['2024-02-29', '2024-03-01'],
        ['2026-11-30T23:00:00Z', '2026-12-01T01:00:00%2B01:00'],
        ['1764547200000', '1764633600000'],
      ]) {
        const reply = await send(h, 'GET', `${route}?from=${from}&to=${to}`);
        expectStatus(reply, 200);
      }
      const leap = await send(h, 'GET', `${route}?from=2024-02-29&to=2024-03-01`);
      expect(leap.body.from).toBe('2024-02-29T00:00:00.000Z');
    });
  }

  it('POST /v1/evaluations: an impossible date, or a date-time without an offset, is a 400 naming the field', async () => {
    for (const [field, date] of [...impossible.map((d) => ['from', d]), ['to', '2026-11-31'], ['to', '2026-12-01T10:00']] as const) {
      const reply = await send(h, 'POST', '/v1/evaluations', { [field]: date, policies: [{ name: 'c' }] });
      expectStatus(reply, 400);
      expect(reply.body.errors[0].field, date).toBe(field);
    }
  });
});

describe('the measurement aggregates across a decision\'s whole life (checked fine in the review)', () => {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  let t: TempDb;
  beforeEach(() => {
    t = openTempDb();
    upsertAction(t.db, { id: 'card', name: 'card', category: 'sales', value: 40, lever: 1, channels: [], active: true, likelihood: 'logistic' }, 0);
    upsertAction(t.db, { id: 'tip', name: 'tip', category: 'service', value: 2, lever: 1, channels: [], active: true, likelihood: 'logistic' }, 0);
  });
  afterEach(() => t.cleanup());

  const sums = (table: string) =>
    t.db.sqlite
      .prepare(`SELECT "group" AS g, sum(opportunities) AS o, sum(contacts) AS c, sum(responses) AS r, sum(responses_sq) AS rq, sum(value) AS v, sum(value_sq) AS vq FROM ${table} GROUP BY 1 ORDER BY 1`)
      .all();
  const at = (day: number, hour: number) => 20_000 * DAY + day * DAY + hour * HOUR;
  const d = (id: string, createdAt: number, actions: string[], overrides: Parameters<typeof fixtureDecision>[3] = {}) =>
    fixtureDecision(id, createdAt, actions, {
      actions: actions.map((a, slot) => ({ ...chosen(a, slot), category: a === 'card' ? 'sales' : 'service' })),
      offered: actions.length,
      category: actions[0] === 'card' ? 'sales' : actions[0] === 'tip' ? 'service' : '',
      ...overrides,
    } as Parameters<typeof fixtureDecision>[3]);

  it('deferred activation in a later hour, a late response after the timeout ignore, feedback on a control decision, erasure and retention leave the hour table, its day rollup and the decisions in agreement', () => {
    insertDecisions(t.db, [
      d('p1', at(0, 1), ['card']),
      d('p2', at(0, 2), ['card', 'tip'], { customerId: 'erased' }),
      d('p3', at(0, 23), ['tip'], { activated: false }),
      d('c1', at(1, 0), ['tip'], { group: 'control' }),
      d('n1', at(1, 1), [], { noActionReason: 'below_threshold' }),
    ]);
    // p3 activated the next day: a contact of its own hour (day 0), not of the activation's.
    activateDecision(t.db, 'p3', at(1, 5));
    insertFeedback(t.db, { decisionId: 'p2', actionId: 'card', outcome: 'response', reward: 2, createdAt: at(0, 3), source: 'client' });
    insertFeedback(t.db, { decisionId: 'p2', actionId: 'tip', outcome: 'response', reward: null, createdAt: at(0, 3), source: 'client' });
    insertFeedback(t.db, { decisionId: 'c1', actionId: 'tip', outcome: 'response', reward: null, createdAt: at(1, 2), source: 'client' });
    // p1 times out (the expirer's ignore); the customer's response arrives after it: a duplicate, counted nowhere.
    expireDecisions(t.db, at(0, 2), at(3, 0), 10);
    const late = insertFeedback(t.db, { decisionId: 'p1', actionId: 'card', outcome: 'response', reward: null, createdAt: at(3, 1), source: 'client' });
    expect(late.inserted).toBe(false);
    const expected = [
      // p1 (ignored), p2 (card 40 × 2 + tip 2 = 82, two responses), p3, n1.
      { g: 'control', o: 1, c: 1, r: 1, rq: 1, v: 2, vq: 4 },
      { g: 'policy', o: 4, c: 3, r: 2, rq: 4, v: 82, vq: 82 * 82 },
    ];
    expect(sums('decision_counts')).toEqual(expected);
    expect(sums('decision_day_counts')).toEqual(expected);
    // Erasure forgets the customer on the decisions; retention deletes closed, learned decisions: neither is an outcome.
    createSqliteCustomerStore(t.db).erase('erased');
    setAppliedSeq(t.db, maxFeedbackSeq(t.db));
    expireDecisions(t.db, at(2, 0), at(3, 0), 10);
    expect(pruneDecisions(t.db, at(5, 0), 100)).toBeGreaterThan(0);
    expect(sums('decision_counts')).toEqual(expected);
    expect(sums('decision_day_counts')).toEqual(expected);
    // The lift store reads the same sums through the rollup and through the hour table alone.
    const window = { fromHour: at(0, 0) / HOUR, toHour: at(2, 0) / HOUR, channel: null, category: null };
    const total = (rollup: boolean) =>
      createSqliteLiftStore(t.db, { rollup })
        .daily(window)
        .reduce((acc, r) => ({ ...acc, [r.group]: (acc[r.group] ?? 0) + r.opportunities }), {} as Record<string, number>);
    expect(total(true)).toEqual({ policy: 4, control: 1 });
    expect(total(false)).toEqual(total(true));
  });
});

describe('the dashboard tiles read one window', () => {
  // The page asked every data call for `from` = now − N days. /v1/stats/series floors that to the UTC day and
  // /v1/stats/no-action only to the hour, so the value tile divided the value of up to a day more decisions by the
  // opportunities of the N days (value per opportunity too high), and the lift tile covered yet another span.
  let bank: Bank;
  afterEach(async () => {
    await bank.h.close();
  });

  it('the window start the page sends gives series, no-action and lift the same effective window and the same value per opportunity', async () => {
    bank = await createBank();
    const h = bank.h;
    await put(h, '/v1/channels/app', { name: 'App', direction: 'inbound' });
    await put(h, '/v1/actions/card', { name: 'Card', category: 'sales', value: 10 });
    // Decisions 7 days and 2 hours ago (inside the UTC day 7 days back, before now − 7 days) and an hour ago.
    for (const ago of [7 * DAY_MS + 2 * 3_600_000, 3_600_000]) {
      bank.clock.now = START - ago;
      for (let i = 0; i < 3; i++) {
        const d = await decide(h, { channel: 'app', context: { age: 40 } });
        await feedback(h, d.decisionId, 'response', 'card');
      }
    }
    bank.clock.now = START;
    h.engine.decisionLog.flush();
    const format = (await import(['..', '..', 'src', 'dashboard', 'assets', 'format.js'].join('/'))) as { windowStart(nowMs: number, days: number): string };
    const from = encodeURIComponent(format.windowStart(START, 7));
    const series = (await send(h, 'GET', `/v1/stats/series?from=${from}&to=${START}`)).body;
    const noAction = (await send(h, 'GET', `/v1/stats/no-action?from=${from}&to=${START}`)).body;
    const lift = (await send(h, 'GET', `/v1/lift?from=${from}&to=${START}`)).body;
    expect(noAction.from).toBe(series.from);
    expect(lift.from).toBe(series.from);
    // The tile's value per opportunity (series value over no-action opportunities) is the lift's.
    const value = series.actions.reduce((s: number, a: { points: { value: number }[] }) => s + a.points.reduce((t, p) => t + p.value, 0), 0);
    expect(noAction.opportunities).toBe(6);
    expect(value / noAction.opportunities).toBe((lift.policy.value + lift.control.value) / (lift.policy.opportunities + lift.control.opportunities));
  });
});
