/**
 * Honest logged probabilities (DESIGN.md §9.2, issue #11 item 2): every decision stores how its probabilities were
 * computed, the no-action probability and the re-draws behind them, and its answer and audit trail say so. Through
 * app.request, reading the stored row with getDecision; frequencies over repeated decisions on one fixed posterior
 * set (nothing is learned between them) check that the stored numbers are the policy's real probabilities.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getDecision, type DecisionRecord } from '../../db/stores/decisions.js';
import type { TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { SEED_CONTEXT, seedTwoActions } from '../helpers/seed.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** seedTwoActions (a: value 10, b: value 1, both cold) with app free to contact and web costing 1 per contact. */
async function bank(env: Record<string, string> = {}): Promise<TestHarness> {
  const t = await seedTwoActions({ env });
  expectStatus(await send(t, 'PUT', '/v1/channels/app', { name: 'App', direction: 'inbound', contactCost: 0 }), 201);
  expectStatus(await send(t, 'PUT', '/v1/channels/web', { name: 'Web', direction: 'inbound', contactCost: 1 }), 201);
  return t;
}

interface Answer {
  decisionId: string;
  noAction: boolean;
  probabilityMethod: string;
  actions: { actionId: string; probability: number; probabilityError?: number; mandatory: boolean }[];
}

async function decide(t: TestHarness, body: Record<string, unknown>): Promise<Answer> {
  const reply = await send(t, 'POST', '/v1/decisions', { context: SEED_CONTEXT, ...body });
  expectStatus(reply, 200);
  return reply.body as Answer;
}

function stored(t: TestHarness, id: string): DecisionRecord {
  t.engine.decisionLog.flush();
  const row = getDecision(t.db, id);
  expect(row, id).toBeDefined();
  return row!;
}

/** |frequency − p| within 4.5 binomial sds over n decisions (plus a rounding floor). */
function expectFrequency(hits: number, n: number, p: number, label: string): void {
  expect(Math.abs(hits / n - p), `${label}: ${hits}/${n} against ${p}`).toBeLessThanOrEqual(4.5 * Math.sqrt((p * (1 - p)) / n) + 1e-9);
}

/**
 * Each action stated one probability over the repeated decisions, and its frequency matches it; returns the sum of
 * the stated probabilities.
 */
function expectStatedFrequencies(hits: ReadonlyMap<string, number>, probabilities: ReadonlyMap<string, Set<number>>, n: number): number {
  let total = 0;
  for (const [actionId, set] of probabilities) {
    expect(set.size, actionId).toBe(1);
    const [p] = [...set];
    expectFrequency(hits.get(actionId)!, n, p!, actionId);
    total += p!;
  }
  return total;
}

describe('with the default KAIROS_PROBABILITY_DRAWS (100)', () => {
  it('one slot is exact: no stated error; the stored no-action and chosen probabilities match their frequencies', async () => {
    h = await bank();
    const n = 300;
    let none = 0;
    const hits = new Map<string, number>();
    const probabilities = new Map<string, Set<number>>();
    const noActionProbabilities = new Set<number>();
    for (let r = 0; r < n; r++) {
      const d = await decide(h, { channel: 'web' });
      expect(d.probabilityMethod).toBe('exact');
      const row = stored(h, d.decisionId);
      expect(row).toMatchObject({ probabilityMethod: 'exact', probabilityDraws: 0 });
      noActionProbabilities.add(row.noActionProbability!);
      if (d.noAction) {
        none++;
        continue;
      }
      const [first] = d.actions;
      expect(first!.probabilityError, 'exact probabilities state no Monte Carlo error').toBeUndefined();
      expect(row.actions[0]!.probability).toBe(first!.probability);
      hits.set(first!.actionId, (hits.get(first!.actionId) ?? 0) + 1);
      probabilities.set(first!.actionId, (probabilities.get(first!.actionId) ?? new Set()).add(first!.probability));
    }
    // One posterior set, one context: the policy's probabilities are the same in every decision.
    expect(noActionProbabilities.size).toBe(1);
    const [noActionProbability] = [...noActionProbabilities];
    // The contact cost of 1 against a cold 5 % prior: offering nothing is a real possibility, not 0 or 1.
    expect(noActionProbability).toBeGreaterThan(0.05);
    expect(noActionProbability).toBeLessThan(0.95);
    expectFrequency(none, n, noActionProbability!, 'no action');
    const total = noActionProbability! + expectStatedFrequencies(hits, probabilities, n);
    // b (value 1) can never clear web's cost of 1 (its priority is below 1): a or nothing, and their probabilities
    // cover every outcome.
    expect([...probabilities.keys()]).toEqual(['a']);
    expect(Math.abs(total - 1)).toBeLessThan(0.01);
  });

  it('two slots are Monte Carlo: each action states √(p(1−p)/101), stored with the method, draws and no-action probability', async () => {
    h = await bank();
    const d = await decide(h, { channel: 'app', slots: 2 });
    expect(d.probabilityMethod).toBe('monte-carlo');
    expect(d.actions).toHaveLength(2);
    for (const a of d.actions) expect(a.probabilityError, a.actionId).toBeCloseTo(Math.sqrt((a.probability * (1 - a.probability)) / 101), 15);
    const row = stored(h, d.decisionId);
    // No cost on app and no thresholds: two candidates for two slots are always both offered.
    expect(row).toMatchObject({ probabilityMethod: 'monte-carlo', probabilityDraws: 100, noActionProbability: 0 });
    const audit = await send(h, 'GET', `/v1/decisions/${d.decisionId}`);
    expectStatus(audit, 200);
    expect(audit.body).toMatchObject({ probabilityMethod: 'monte-carlo', probabilityDraws: 100, noActionProbability: 0 });
    expect(audit.body.actions.map((a: { probabilityError: number }) => a.probabilityError)).toEqual(d.actions.map((a) => a.probabilityError));
  });

  it('no candidates: offering nothing is certain — exact, no-action probability 1', async () => {
    h = await bank();
    const d = await decide(h, { channel: 'web', exclude: ['a', 'b'] });
    expect(d).toMatchObject({ noAction: true, probabilityMethod: 'exact' });
    expect(stored(h, d.decisionId)).toMatchObject({ probabilityMethod: 'exact', noActionProbability: 1, probabilityDraws: 0, noActionReason: 'no_candidates' });
    expect((await send(h, 'GET', `/v1/decisions/${d.decisionId}`)).body).toMatchObject({ probabilityMethod: 'exact', noActionProbability: 1 });
  });
});

describe('with KAIROS_PROBABILITY_DRAWS=0', () => {
  it("every estimated decision is stored 'off' — one slot or two, offered or not — and the audit trail says so", async () => {
    h = await bank({ KAIROS_PROBABILITY_DRAWS: '0' });
    let offered = 0;
    let silent = 0;
    for (let r = 0; r < 40; r++) {
      const d = await decide(h, { channel: 'web', slots: 1 + (r % 2) });
      expect(d.probabilityMethod).toBe('off');
      for (const a of d.actions) expect(a.probabilityError, 'no error is stated for indicators').toBeUndefined();
      const row = stored(h, d.decisionId);
      // The stored numbers are the indicators of the actual choice: 1 for what was offered, and for no action.
      expect(row).toMatchObject({ probabilityMethod: 'off', probabilityDraws: 0, noActionProbability: d.noAction ? 1 : 0 });
      for (const a of row.actions) expect(a.probability).toBe(1);
      if (d.noAction) silent++;
      else offered++;
      if (r === 0) expect((await send(h, 'GET', `/v1/decisions/${d.decisionId}`)).body).toMatchObject({ probabilityMethod: 'off', probabilityDraws: 0 });
    }
    expect(offered).toBeGreaterThan(0);
    expect(silent).toBeGreaterThan(0);
    const methods = h.db.sqlite.prepare('SELECT probability_method AS m, count(*) AS n FROM decisions GROUP BY m').all();
    expect(methods).toEqual([{ m: 'off', n: 40 }]);
  });

  it('a certain decision is still exact: no candidates, or a mandatory action that fits', async () => {
    h = await bank({ KAIROS_PROBABILITY_DRAWS: '0' });
    expectStatus(await send(h, 'PUT', '/v1/actions/alert', { name: 'Alert', category: 'risk', value: 1, mandatory: true }), 201);
    const none = await decide(h, { channel: 'web', exclude: ['a', 'b', 'alert'] });
    expect(stored(h, none.decisionId)).toMatchObject({ probabilityMethod: 'exact', noActionProbability: 1 });
    const sure = await decide(h, { channel: 'web', slots: 1 });
    expect(sure).toMatchObject({ probabilityMethod: 'exact', actions: [{ actionId: 'alert', mandatory: true, probability: 1 }] });
    expect(stored(h, sure.decisionId)).toMatchObject({ probabilityMethod: 'exact', noActionProbability: 0 });
    // With a slot left the rest is drawn, and its probabilities are not estimated: the decision is off.
    const mixed = await decide(h, { channel: 'web', slots: 2 });
    expect(mixed.probabilityMethod).toBe('off');
    expect(stored(h, mixed.decisionId)).toMatchObject({ probabilityMethod: 'off', noActionProbability: 0 });
  });
});

describe('a mandatory action followed by a Thompson draw for the rest', () => {
  it('the top slot is the mandatory action with probability 1, no action has probability 0, the rest keep their own draw', async () => {
    h = await bank();
    expectStatus(await send(h, 'PUT', '/v1/actions/alert', { name: 'Alert', category: 'risk', value: 1, mandatory: true }), 201);
    // slots 2: the mandatory action, then one slot drawn among a and b (exact: one slot, logistic). The rest pays no
    // contact cost (the mandatory message made the contact), so with no thresholds one of a, b is always offered.
    const n = 200;
    const hits = new Map<string, number>();
    const probabilities = new Map<string, Set<number>>();
    for (let r = 0; r < n; r++) {
      const d = await decide(h, { channel: 'web', slots: 2 });
      expect(d.probabilityMethod).toBe('exact');
      expect(d.actions[0]).toMatchObject({ actionId: 'alert', mandatory: true, probability: 1 });
      expect(d.actions).toHaveLength(2);
      const second = d.actions[1]!;
      hits.set(second.actionId, (hits.get(second.actionId) ?? 0) + 1);
      probabilities.set(second.actionId, (probabilities.get(second.actionId) ?? new Set()).add(second.probability));
      const row = stored(h, d.decisionId);
      expect(row).toMatchObject({ probabilityMethod: 'exact', noActionProbability: 0, probabilityDraws: 0 });
      expect(row.actions.map((a) => [a.actionId, a.slot, a.probability])).toEqual([
        ['alert', 0, 1],
        [second.actionId, 1, second.probability],
      ]);
    }
    const total = expectStatedFrequencies(hits, probabilities, n);
    expect(Math.abs(total - 1)).toBeLessThan(0.02);
  });

  it('more mandatory actions than slots compete by their draws: exact for one slot, no action 0, the frequencies match', async () => {
    h = await bank();
    expectStatus(await send(h, 'PUT', '/v1/actions/alert', { name: 'Alert', category: 'risk', value: 1, mandatory: true }), 201);
    expectStatus(await send(h, 'PUT', '/v1/actions/notice', { name: 'Notice', category: 'risk', value: 3, mandatory: true }), 201);
    const n = 200;
    const hits = new Map<string, number>();
    const probabilities = new Map<string, Set<number>>();
    for (let r = 0; r < n; r++) {
      const d = await decide(h, { channel: 'web' });
      expect(d.probabilityMethod).toBe('exact');
      expect(d.actions).toHaveLength(1);
      const [top] = d.actions;
      expect(top!.mandatory).toBe(true);
      hits.set(top!.actionId, (hits.get(top!.actionId) ?? 0) + 1);
      probabilities.set(top!.actionId, (probabilities.get(top!.actionId) ?? new Set()).add(top!.probability));
      expect(stored(h, d.decisionId)).toMatchObject({ probabilityMethod: 'exact', noActionProbability: 0 });
    }
    const total = expectStatedFrequencies(hits, probabilities, n);
    expect(Math.abs(total - 1)).toBeLessThan(0.01);
  });

  it('with two slots left the rest is Monte Carlo: the decision says so and the mandatory action states error 0', async () => {
    h = await bank();
    expectStatus(await send(h, 'PUT', '/v1/actions/alert', { name: 'Alert', category: 'risk', value: 1, mandatory: true }), 201);
    const d = await decide(h, { channel: 'web', slots: 3 });
    expect(d.probabilityMethod).toBe('monte-carlo');
    expect(d.actions[0]).toMatchObject({ actionId: 'alert', probability: 1, probabilityError: 0 });
    for (const a of d.actions.slice(1)) expect(a.probabilityError, a.actionId).toBeCloseTo(Math.sqrt((a.probability * (1 - a.probability)) / 101), 15);
    expect(stored(h, d.decisionId)).toMatchObject({ probabilityMethod: 'monte-carlo', probabilityDraws: 100, noActionProbability: 0 });
  });
});
