/**
 * The dashboard's data calls (issue #11 item 4): GET /v1/stats/series, GET /v1/stats/no-action and `learner` in
 * GET /v1/stats, against counts known from the decisions and outcomes the test makes on a movable clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expectStatus, send } from '../helpers/http.js';
import { count, createBank, DAY_MS, decide, feedback, put, START, type Bank } from '../helpers/nba.js';

let bank: Bank | undefined;
afterEach(async () => {
  await bank?.h.close();
  bank = undefined;
});

const iso = (ms: number) => new Date(ms).toISOString();
const DAY0 = Math.floor(START / DAY_MS) * DAY_MS;

/** Two actions offered on the app; e-mail limited to one contact per 7 days, so a second e-mail is no action. */
async function seed(env: Record<string, string> = {}): Promise<Bank> {
  bank = await createBank({ env });
  const { h } = bank;
  await put(h, '/v1/channels/app', { name: 'App', direction: 'inbound' });
  await put(h, '/v1/channels/email', { name: 'E-mail', direction: 'outbound', contactCost: 0, limit: { contacts: 1, per: '7d' } });
  await put(h, '/v1/actions/offer', { name: 'Offer', category: 'sales', value: 10, channels: ['app', 'email'] });
  await put(h, '/v1/actions/tip', { name: 'Tip', category: 'service', value: 2, channels: ['app'] });
  return bank;
}

describe('GET /v1/stats/series', () => {
  it('counts decisions and outcomes per action by the day of the decision, with a point for every day of the window', async () => {
    const { h, clock } = await seed();
    const made: { day: number; actionId: string; outcome: 'response' | 'ignore' | null }[] = [];
    const plan: ('response' | 'ignore' | null)[] = ['response', 'ignore', null, 'response', 'ignore', 'ignore'];
    for (let day = 0; day < 3; day += 1) {
      clock.now = START + day * DAY_MS;
      for (const [i, outcome] of plan.entries()) {
        const d = await decide(h, { channel: 'app', context: { age: 30 + i } });
        const actionId = d.actions[0].actionId as string;
        made.push({ day, actionId, outcome });
        // Day 0's outcomes arrive on day 2: they still count on day 0, the decision's day.
        if (outcome && day !== 0) await feedback(h, d.decisionId, outcome);
        if (outcome && day === 0) (made[made.length - 1] as { late?: string }).late = d.decisionId;
      }
    }
    clock.now = START + 2 * DAY_MS;
    for (const m of made) if ('late' in m) await feedback(h, (m as unknown as { late: string }).late, m.outcome!);

    const reply = await send(h, 'GET', `/v1/stats/series?from=${iso(START - DAY_MS)}&to=${START + 3 * DAY_MS}`);
    expectStatus(reply, 200);
    expect(reply.body.from, reply.text).toBe(iso(DAY0 - DAY_MS));
    expect(reply.body.to, reply.text).toBe(iso(DAY0 + 4 * DAY_MS));
    expect(reply.body.bucket).toBe('day');
    for (const series of reply.body.actions) {
      expect(series.points.map((p: { t: string }) => p.t)).toEqual([-1, 0, 1, 2, 3].map((d) => iso(DAY0 + d * DAY_MS)));
      for (const [i, p] of series.points.entries()) {
        const day = i - 1;
        const mine = made.filter((m) => m.actionId === series.actionId && m.day === day);
        const responses = mine.filter((m) => m.outcome === 'response').length;
        const ignores = mine.filter((m) => m.outcome === 'ignore').length;
        const value = series.actionId === 'offer' ? 10 : 2;
        expect(p, `${series.actionId} day ${day}: ${reply.text}`).toEqual({
          t: iso(DAY0 + day * DAY_MS),
          decisions: mine.length,
          responses,
          ignores,
          responseRate: responses + ignores > 0 ? responses / (responses + ignores) : null,
          value: responses * value,
        });
      }
    }
    const listed = reply.body.actions.map((a: { actionId: string }) => a.actionId);
    expect(listed).toEqual([...new Set(made.map((m) => m.actionId))].sort());
  });

  it('defaults to the 30 days before now and lists no action without counts', async () => {
    const { h } = await seed();
    const reply = await send(h, 'GET', '/v1/stats/series');
    expectStatus(reply, 200);
    expect(reply.body, reply.text).toEqual({ from: iso(DAY0 - 30 * DAY_MS), to: iso(DAY0 + DAY_MS), bucket: 'day', actions: [] });
  });

  it('a window over 400 days is a 400 naming from', async () => {
    const { h } = await seed();
    const reply = await send(h, 'GET', `/v1/stats/series?from=${iso(START - 401 * DAY_MS)}`);
    expectStatus(reply, 400);
    expect(reply.body.errors, reply.text).toEqual([{ field: 'from', message: 'at most 400 buckets before to' }]);
  });
});

describe('GET /v1/stats/no-action', () => {
  it('sums opportunities and no-action decisions by reason over the hours of the window', async () => {
    const { h, clock } = await seed();
    for (const c of ['c-1', 'c-2', 'c-3']) await decide(h, { customerId: c, channel: 'email', context: { age: 40 } });
    clock.now = START + 3_600_000;
    // Second e-mails within 7 days: no action, contact_limit.
    for (const c of ['c-1', 'c-2']) expect(await decide(h, { customerId: c, channel: 'email', context: { age: 40 } })).toMatchObject({ noActionReason: 'contact_limit' });
    await decide(h, { channel: 'app', context: { age: 40 } });
    expect(count(h, 'decisions')).toBe(6);

    const whole = await send(h, 'GET', `/v1/stats/no-action?from=${START - 1}&to=${iso(START + 2 * 3_600_000)}`);
    expectStatus(whole, 200);
    const hour0 = Math.floor(START / 3_600_000) * 3_600_000;
    expect(whole.body, whole.text).toEqual({
      // START − 1 ms is in the hour before START's: floored there.
      from: iso(hour0 - 3_600_000),
      to: iso(hour0 + 2 * 3_600_000),
      opportunities: 6,
      noAction: 2,
      reasons: { no_candidates: 0, contact_limit: 2, below_threshold: 0, not_worth_contact: 0 },
    });
    // The first hour alone: the three first e-mails, all offered.
    const first = await send(h, 'GET', `/v1/stats/no-action?from=${iso(START)}&to=${iso(START + 1)}`);
    expectStatus(first, 200);
    expect(first.body, first.text).toMatchObject({ opportunities: 3, noAction: 0 });
  });

  it('from at or after to is a 400 naming from, in either spelling', async () => {
    const { h } = await seed();
    for (const query of [`from=${START}&to=${START}`, `from=${iso(START + 1)}&to=${iso(START)}`]) {
      for (const path of ['/v1/stats/no-action', '/v1/stats/series']) {
        const reply = await send(h, 'GET', `${path}?${query}`);
        expectStatus(reply, 400);
        expect(reply.body.errors, reply.text).toEqual([{ field: 'from', message: 'must be before to' }]);
      }
    }
  });
});

describe('learner lag in GET /v1/stats', () => {
  it('is the feedback written but not yet learned, and 0 after a learner run', async () => {
    // The learner only runs when told to, so the lag before the run is certain.
    const { h } = await seed({ KAIROS_LEARNER: 'off' });
    const lag = async () => {
      const reply = await send(h, 'GET', '/v1/stats');
      expectStatus(reply, 200);
      return reply.body.learner;
    };
    expect(await lag()).toEqual({ appliedSeq: 0, latestSeq: 0, lag: 0 });
    for (let i = 0; i < 3; i += 1) {
      const d = await decide(h, { channel: 'app', context: { age: 40 } });
      await feedback(h, d.decisionId, i === 0 ? 'response' : 'ignore');
    }
    expect(await lag()).toEqual({ appliedSeq: 0, latestSeq: 3, lag: 3 });
    await h.learner.runOnce();
    expect(await lag()).toEqual({ appliedSeq: 3, latestSeq: 3, lag: 0 });
    // Retention deletes feedback rows; the high-water mark stays.
    h.db.sqlite.prepare('DELETE FROM feedback').run();
    expect(await lag()).toEqual({ appliedSeq: 3, latestSeq: 3, lag: 0 });
  });
});
