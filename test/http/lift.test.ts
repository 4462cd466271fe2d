/**
 * The always-on control group and GET /v1/lift end to end through app.request() (issue #11 item 1): with
 * KAIROS_CONTROL_SHARE = 0.5, control decisions pick uniformly among the actions every policy allows (never one an
 * eligibility rule excludes), log exact probabilities, answer and store group 'control', are learned; and the lift
 * counts equal what was decided and answered, by group, channel and category.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { customerInControl } from '../../src/measurement/control-group.js';
import type { TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { createBank, decide, feedback, ids, put, START, type Bank } from '../helpers/nba.js';

const SHARE = 0.5;
let bank: Bank;
let h: TestHarness;
afterEach(async () => {
  await h.close();
});

/** Channels app and web; 'senior' only for customers aged 60+ (a CEL rule); card (sales, 10) and help (service, 1). */
async function seed(): Promise<void> {
  bank = await createBank({ env: { KAIROS_CONTROL_SHARE: String(SHARE) } });
  h = bank.h;
  await put(h, '/v1/channels/app', { name: 'App', direction: 'inbound' });
  await put(h, '/v1/channels/web', { name: 'Web', direction: 'inbound' });
  await put(h, '/v1/actions/senior', { name: 'Senior saver', category: 'sales', value: 20, eligibility: 'customer.age >= 60' });
  await put(h, '/v1/actions/card', { name: 'Card', category: 'sales', value: 10 });
  await put(h, '/v1/actions/help', { name: 'Help', category: 'service', value: 1 });
}

const customer = (i: number) => `c-${i}`;
const stored = (id: string) => {
  h.engine.decisionLog.flush();
  return {
    decision: h.db.sqlite.prepare('SELECT "group", no_action_probability, probability_method, probability_draws FROM decisions WHERE id = ?').get(id),
    actions: h.db.sqlite.prepare('SELECT action_id, probability FROM decision_actions WHERE decision_id = ? ORDER BY slot').all(id),
  };
};

describe('control decisions', () => {
  it('pick uniformly among the eligible actions only, log exact probabilities, and keep a customer in one arm on every channel', async () => {
    await seed();
    const offered: Record<string, number> = {};
    let controls = 0;
    for (let i = 0; i < 40; i++) {
      await put(h, `/v1/customers/${customer(i)}`, { attributes: { age: 30 } });
      const inControl = customerInControl(customer(i), START, SHARE);
      for (const channel of ['app', 'web', 'app', 'web', 'app']) {
        const d = await decide(h, { customerId: customer(i), channel });
        expect(d.group, JSON.stringify(d)).toBe(inControl ? 'control' : 'policy');
        if (!inControl) continue;
        controls += 1;
        expect(d.noAction, JSON.stringify(d)).toBe(false);
        expect(ids(d)).toHaveLength(1);
        expect(['card', 'help'], JSON.stringify(d)).toContain(d.actions[0].actionId); // never 'senior': ineligible at 30
        expect(d.actions[0].probability).toBe(0.5);
        // The model's scores are still reported (computed, not used): reasons and explain keep working.
        expect(d.actions[0].propensity).toBeGreaterThan(0);
        expect(d.actions[0].priority).toBeGreaterThan(0);
        offered[d.actions[0].actionId] = (offered[d.actions[0].actionId] ?? 0) + 1;
        expect(stored(d.decisionId)).toEqual({
          decision: { group: 'control', no_action_probability: 0, probability_method: 'exact', probability_draws: 0 },
          actions: [{ action_id: d.actions[0].actionId, probability: 0.5 }],
        });
      }
      const view = await send(h, 'GET', `/v1/customers/${customer(i)}`);
      expectStatus(view, 200);
      expect(view.body.controlGroup, view.text).toBe(inControl);
    }
    // 40 customers at share 0.5: both arms are populated (the hash is fixed, so this is deterministic).
    expect(controls).toBeGreaterThan(40);
    expect(controls).toBeLessThan(160);
    // Uniform between card and help: within 4.5 binomial sds of half.
    const sd = Math.sqrt(controls * 0.25);
    expect(Math.abs((offered.card ?? 0) - controls / 2), JSON.stringify(offered)).toBeLessThanOrEqual(4.5 * sd);
  });

  it('ignore thresholds and contact cost, fill the slots (probability slots / n), put mandatory actions first, and answer group in the audit, the batch and the learner', async () => {
    await seed();
    await put(h, '/v1/actions/notice', { name: 'Notice', category: 'risk', value: 0, mandatory: true });
    // A priority threshold no action reaches: the policy offers only the mandatory notice; control still fills the slots.
    await put(h, '/v1/contact-policy', { suppression: [], thresholds: { priority: { default: 1_000 } } });
    const ids40 = Array.from({ length: 40 }, (_, i) => customer(i));
    for (const id of ids40) await put(h, `/v1/customers/${id}`, { attributes: { age: 70 } });
    const control = ids40.filter((id) => customerInControl(id, START, SHARE));
    const policy = ids40.filter((id) => !customerInControl(id, START, SHARE));
    expect(control.length).toBeGreaterThan(0);
    expect(policy.length).toBeGreaterThan(0);

    const c = await decide(h, { customerId: control[0], channel: 'app', slots: 3, explain: true });
    expect(c.group).toBe('control');
    expect(c.actions[0]).toMatchObject({ actionId: 'notice', mandatory: true, probability: 1 });
    expect(c.actions.slice(1).map((a: { probability: number }) => a.probability)).toEqual([2 / 3, 2 / 3]);
    expect(new Set(ids(c).slice(1)).size).toBe(2);
    expect(c.excluded, JSON.stringify(c)).toHaveLength(1); // the one of senior / card / help not drawn
    const p = await decide(h, { customerId: policy[0], channel: 'app', slots: 3 });
    expect(p).toMatchObject({ group: 'policy', actions: [{ actionId: 'notice' }] });
    expect(p.actions).toHaveLength(1);

    const audit = await send(h, 'GET', `/v1/decisions/${c.decisionId}`);
    expectStatus(audit, 200);
    expect(audit.body.group, audit.text).toBe('control');

    const batch = await send(h, 'POST', '/v1/decisions/batch', { channel: 'web', requests: ids40.slice(0, 10).map((customerId) => ({ customerId })) });
    expectStatus(batch, 200);
    (batch.body.results as { group: string }[]).forEach((r, i) => expect(r.group, JSON.stringify(r)).toBe(customerInControl(ids40[i]!, START, SHARE) ? 'control' : 'policy'));

    // Learned like any other: the response to a control offer reaches the action's model.
    const learnedAction = c.actions[1].actionId as string;
    const before = (await send(h, 'GET', `/v1/actions/${learnedAction}/stats`)).body.model.observations as number;
    await feedback(h, c.decisionId, 'response', learnedAction);
    await h.learner.runOnce();
    const after = await send(h, 'GET', `/v1/actions/${learnedAction}/stats`);
    expect(after.body.model.observations, after.text).toBe(before + 1);
  });

  it('an anonymous decision draws its arm per decision; with no candidate a control decision offers nothing (no-action probability 1)', async () => {
    await seed();
    let control = 0;
    const n = 200;
    for (let i = 0; i < n; i++) {
      const d = await decide(h, { channel: 'app', context: { age: 30 }, candidates: ['senior'] });
      expect(d.noAction).toBe(true);
      if (d.group !== 'control') continue;
      control += 1;
      expect(d.noActionReason).toBe('no_candidates');
      expect(stored(d.decisionId).decision).toEqual({ group: 'control', no_action_probability: 1, probability_method: 'exact', probability_draws: 0 });
    }
    expect(Math.abs(control - n * SHARE)).toBeLessThanOrEqual(4.5 * Math.sqrt(n * SHARE * (1 - SHARE)));
  });
});

describe('GET /v1/lift', () => {
  it('counts opportunities, contacts, responses and value by group as decided, with channel and category filters and the daily series', async () => {
    await seed();
    await put(h, '/v1/contact-policy', { suppression: [], thresholds: { priority: { default: 5 } } });
    type Made = { group: string; channel: string; category: string | null; offered: boolean; responded: boolean; value: number };
    const made: Made[] = [];
    for (let i = 0; i < 60; i++) {
      const id = customer(i);
      await put(h, `/v1/customers/${id}`, { attributes: { age: i % 2 === 0 ? 30 : 70 } });
      for (const channel of ['app', 'web']) {
        const d = await decide(h, { customerId: id, channel });
        const top = d.actions[0] as { actionId: string; category: string; value: number } | undefined;
        // Respond to every third offer, so responses and value differ between the groups' offers.
        const responded = top !== undefined && i % 3 === 0;
        if (responded) await feedback(h, d.decisionId, 'response', top.actionId);
        made.push({ group: d.group, channel, category: top?.category ?? null, offered: top !== undefined, responded, value: responded ? top.value : 0 });
      }
      bank.clock.now += 60_000;
    }
    const expected = (keep: (m: Made) => boolean, group: string) => {
      const rows = made.filter((m) => m.group === group && keep(m));
      const responses = rows.filter((m) => m.responded).length;
      const value = rows.reduce((a, m) => a + m.value, 0);
      const n = rows.length;
      return { opportunities: n, contacts: rows.filter((m) => m.offered).length, responses, responseRate: n > 0 ? responses / n : null, value, valuePerOpportunity: n > 0 ? value / n : null };
    };
    const lift = async (query: string) => {
      const reply = await send(h, 'GET', `/v1/lift?from=${START - 3_600_000}&to=${bank.clock.now}${query}`);
      expectStatus(reply, 200);
      return reply.body;
    };
    expect(made.some((m) => m.group === 'policy' && !m.offered), 'the threshold makes some policy no-action decisions').toBe(true);

    const all = await lift('');
    expect(all.policy).toEqual(expected(() => true, 'policy'));
    expect(all.control).toEqual(expected(() => true, 'control'));
    expect(all).toMatchObject({ from: new Date(START - 3_600_000).toISOString(), channel: null, category: null, controlShare: SHARE });
    const rr = all.lift.responseRate;
    expect(rr.estimate).toBeCloseTo(all.policy.responseRate / all.control.responseRate - 1, 12);
    expect(rr.ci95[0]).toBeLessThan(rr.estimate);
    expect(rr.ci95[1]).toBeGreaterThan(rr.estimate);
    // One UTC day (10:00 to 11:01): a single series point holding everything.
    expect(all.series).toEqual([{ t: '2026-12-01T00:00:00.000Z', policy: all.policy, control: all.control }]);

    const web = await lift('&channel=web');
    expect(web.policy).toEqual(expected((m) => m.channel === 'web', 'policy'));
    expect(web.control).toEqual(expected((m) => m.channel === 'web', 'control'));
    // A category keeps the decisions whose top action is in it; no-action decisions have none and drop out.
    const sales = await lift('&category=sales');
    expect(sales.policy).toEqual(expected((m) => m.category === 'sales', 'policy'));
    expect(sales.control).toEqual(expected((m) => m.category === 'sales', 'control'));
    const both = await lift('&channel=app&category=service');
    expect(both.control).toEqual(expected((m) => m.channel === 'app' && m.category === 'service', 'control'));

    // A channel with no decisions and a window before any: zeros and nulls, never NaN.
    const fax = await lift('&channel=fax');
    expect(fax.policy).toEqual({ opportunities: 0, contacts: 0, responses: 0, responseRate: null, value: 0, valuePerOpportunity: null });
    expect(fax.lift).toEqual({ responseRate: { estimate: null, ci95: null }, valuePerOpportunity: { estimate: null, ci95: null } });
    const early = await send(h, 'GET', `/v1/lift?from=2026-11-01T00:00:00Z&to=2026-11-03T12:30:00Z`);
    expectStatus(early, 200);
    expect(early.body).toMatchObject({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-03T13:00:00.000Z', control: { opportunities: 0 } });
    expect(early.body.series.map((p: { t: string }) => p.t)).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z', '2026-11-03T00:00:00.000Z']);
  });

  it('defaults to the 30 days before now, hour-aligned', async () => {
    await seed();
    const reply = await send(h, 'GET', '/v1/lift');
    expectStatus(reply, 200);
    const hour = 3_600_000;
    expect(reply.body.to).toBe(new Date(Math.ceil(START / hour) * hour).toISOString());
    expect(reply.body.from).toBe(new Date(Math.floor((START - 30 * 86_400_000) / hour) * hour).toISOString());
    expect(reply.body.series).toHaveLength(31);
  });
});
