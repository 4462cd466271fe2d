/**
 * POST /v1/evaluations, GET /v1/evaluations/{id}, GET /v1/evaluations: the checks before anything runs (window,
 * policies, settings, probabilities), the run in its worker thread to 'done' or 'failed', and the list.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteEvaluationStore } from '../../db/stores/evaluations.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { logDecisions, T0 } from '../helpers/evaluation-log.js';
import { seedTwoActions } from '../helpers/seed.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const WINDOW = { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' };

async function finished(harness: TestHarness, id: string) {
  await harness.services.evaluations.whenFinished(id);
  const reply = await send(harness, 'GET', `/v1/evaluations/${id}`);
  expectStatus(reply, 200);
  return reply.body;
}

describe('POST /v1/evaluations', () => {
  it('answers 202 with the location, runs off the event loop to done, and reports every row and estimator', async () => {
    h = await seedTwoActions();
    logDecisions(h, 90);
    const reply = await send(h, 'POST', '/v1/evaluations', { ...WINDOW, policies: [{ name: 'cold', settings: { priorRate: 0.2 } }, { name: 'independent', settings: { drawCorrelation: 0 } }] });
    expectStatus(reply, 202);
    expect(reply.body).toEqual({ evaluationId: expect.any(String), status: 'running', location: `/v1/evaluations/${reply.body.evaluationId}` });
    expect(reply.headers.get('location')).toBe(reply.body.location);
    const running = await send(h, 'GET', reply.body.location);
    expectStatus(running, 200);
    expect(running.body.rows).toBe(90);
    const done = await finished(h, reply.body.evaluationId);
    expect(done.status, JSON.stringify(done)).toBe('done');
    expect(done.progress).toBe(1);
    expect(done.error).toBeNull();
    expect(done.finishedAt).not.toBeNull();
    expect(done.evaluated).toBe(90);
    expect(done.skipped).toEqual({ pending: 0, multiSlot: 0, unsupported: 0 });
    expect(done.request).toEqual({ ...WINDOW, channel: null, policies: [{ name: 'cold', settings: { priorRate: 0.2 } }, { name: 'independent', settings: { drawCorrelation: 0 } }] });
    const policies = [...new Set(done.results.map((r: { policy: string }) => r.policy))];
    expect(policies).toEqual(['logged', 'uniform', 'cold', 'independent']);
    expect(done.results).toHaveLength(12);
    // Logged: value a response is worth 10 on every sixth decision (all of them a's): 15 × 10 / 90.
    const logged = done.results.filter((r: { policy: string }) => r.policy === 'logged');
    for (const row of logged) {
      expect(row.value).toBeCloseTo(150 / 90, 9);
      expect(row.effectiveSampleSize).toBeCloseTo(90, 9);
    }
    for (const row of done.results) {
      expect(row.value === null || Number.isFinite(row.value), JSON.stringify(row)).toBe(true);
      if (row.ci95) expect(row.ci95[0]).toBeLessThanOrEqual(row.ci95[1]);
    }
    // Uniform over {a, b}: π = 1/2 for an offered action, 0 for no action; μ = 0.45 → w = 10/9 on offers.
    const uniformIps = done.results.find((r: { policy: string; estimator: string }) => r.policy === 'uniform' && r.estimator === 'ips');
    expect(uniformIps.value).toBeCloseTo(((150 * 10) / 9) / 90, 9);
  });

  it('skips pending and multi-slot decisions and says how many', async () => {
    h = await seedTwoActions();
    logDecisions(h, 30, (i) =>
      i === 3
        ? { status: 'pending' }
        : i === 4
          ? { actions: [{ actionId: 'b', slot: 0, propensity: 0.1, sampledPropensity: 0.1, priority: 1, probability: 0.4 }, { actionId: 'a', slot: 1, propensity: 0.1, sampledPropensity: 0.1, priority: 1, probability: 0.4 }], probabilityMethod: 'monte-carlo', probabilityDraws: 100 }
          : {},
    );
    const reply = await send(h, 'POST', '/v1/evaluations', { ...WINDOW, policies: [{ name: 'c', settings: {} }] });
    expectStatus(reply, 202);
    const done = await finished(h, reply.body.evaluationId);
    expect(done.status).toBe('done');
    expect(done.skipped).toEqual({ pending: 1, multiSlot: 1, unsupported: 0 });
    expect(done.evaluated).toBe(28);
  });

  it('refuses a window with decisions made without probabilities: 409 saying how many and from when to when', async () => {
    h = await seedTwoActions();
    logDecisions(h, 20, (i) => (i >= 5 && i < 8 ? { probabilityMethod: 'off' } : i === 10 ? { probabilityMethod: undefined } : {}));
    const before = h.db.sqlite.prepare('SELECT count(*) AS n FROM evaluations').get();
    const reply = await send(h, 'POST', '/v1/evaluations', { ...WINDOW, policies: [{ name: 'c' }] });
    expectStatus(reply, 409);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(reply.body.detail).toContain('4 decisions');
    expect(reply.body.detail).toContain(new Date(T0 + 5000).toISOString());
    expect(reply.body.detail).toContain(new Date(T0 + 10_000).toISOString());
    expect(h.db.sqlite.prepare('SELECT count(*) AS n FROM evaluations').get()).toEqual(before);
  });

  it('refuses a logged choice whose probability is 0 (never weighted as 1)', async () => {
    h = await seedTwoActions();
    logDecisions(h, 9, (i) => (i === 2 ? { noActionProbability: 0 } : {}));
    const reply = await send(h, 'POST', '/v1/evaluations', { ...WINDOW, policies: [{ name: 'c' }] });
    expectStatus(reply, 409);
    expect(reply.body.detail).toContain('1 decision in the window');
  });

  it('fails an evaluation whose replay throws, with the error', async () => {
    h = await seedTwoActions();
    // A logged probability above 1 passes the window check (it is > 0) but no replay can weight it.
    logDecisions(h, 9, (i) => (i === 4 ? { actions: [{ actionId: 'b', slot: 0, propensity: 0.1, sampledPropensity: 0.1, priority: 1, probability: 1.5 }] } : {}));
    const reply = await send(h, 'POST', '/v1/evaluations', { ...WINDOW, policies: [{ name: 'c' }] });
    expectStatus(reply, 202);
    const done = await finished(h, reply.body.evaluationId);
    expect(done.status).toBe('failed');
    expect(done.error).toContain('d-00004');
    expect(done.results).toEqual([]);
  });

  it('answers 422 naming from for a window with no closed decision', async () => {
    h = await seedTwoActions();
    logDecisions(h, 3, () => ({ status: 'pending' }));
    const reply = await send(h, 'POST', '/v1/evaluations', { ...WINDOW, policies: [{ name: 'c' }] });
    expectStatus(reply, 422);
    expect(reply.body.errors).toContainEqual(expect.objectContaining({ field: 'from' }));
    const elsewhere = await send(h, 'POST', '/v1/evaluations', { from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z', policies: [{ name: 'c' }] });
    expectStatus(elsewhere, 422);
  });

  it('answers 400 naming the field for bad policies, settings and windows, and changes nothing', async () => {
    h = await seedTwoActions();
    logDecisions(h, 9);
    const cases: [unknown, string][] = [
      [{ policies: [{ name: 'c', settings: { learningRate: 1 } }] }, 'policies.0.settings.learningRate'],
      [{ policies: [{ name: 'c', settings: { priorRate: 1 } }] }, 'policies.0.settings.priorRate'],
      [{ policies: [{ name: 'c' }, { name: 'd', settings: { drawCorrelation: -0.1 } }] }, 'policies.1.settings.drawCorrelation'],
      [{ policies: [{ name: 'c', settings: { changeDetection: 'on' } }] }, 'policies.0.settings.changeDetection'],
      [{ policies: [{ name: 'c', settings: { forgettingHalfLife: -1 } }] }, 'policies.0.settings.forgettingHalfLife'],
      [{ policies: [{ name: 'logged' }] }, 'policies.0.name'],
      [{ policies: [{ name: 'c' }, { name: 'c' }] }, 'policies.1.name'],
      [{ policies: [] }, 'policies'],
      [{ policies: Array.from({ length: 11 }, (_, i) => ({ name: `p${i}` })) }, 'policies'],
      [{ from: WINDOW.to, to: WINDOW.from, policies: [{ name: 'c' }] }, 'from'],
      [{ from: 'yesterday', policies: [{ name: 'c' }] }, 'from'],
    ];
    for (const [body, field] of cases) {
      const reply = await send(h, 'POST', '/v1/evaluations', { ...WINDOW, ...(body as object) });
      expect(reply.status, `${JSON.stringify(body)} → ${reply.text}`).toBe(400);
      expect(reply.body.errors, reply.text).toContainEqual(expect.objectContaining({ field }));
    }
    expect(h.db.sqlite.prepare('SELECT count(*) AS n FROM evaluations').get()).toEqual({ n: 0 });
  });
});

describe('GET /v1/evaluations', () => {
  it('lists newest first, honours limit, and answers 404 for an unknown id', async () => {
    h = await seedTwoActions();
    logDecisions(h, 9);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const reply = await send(h, 'POST', '/v1/evaluations', { ...WINDOW, policies: [{ name: `p${i}` }] });
      expectStatus(reply, 202);
      ids.push(reply.body.evaluationId);
      await h.services.evaluations.whenFinished(reply.body.evaluationId);
    }
    const list = await send(h, 'GET', '/v1/evaluations');
    expectStatus(list, 200);
    expect(list.body.evaluations.map((e: { evaluationId: string }) => e.evaluationId)).toEqual([...ids].reverse());
    const two = await send(h, 'GET', '/v1/evaluations?limit=2');
    expect(two.body.evaluations).toHaveLength(2);
    const missing = await send(h, 'GET', '/v1/evaluations/nope');
    expectStatus(missing, 404);
    expect(missing.body.errors).toContainEqual(expect.objectContaining({ field: 'evaluationId' }));
  });

  it('marks an evaluation left running by a dead process as failed at start-up', async () => {
    h = await createTestHarness();
    const store = createSqliteEvaluationStore(h.db);
    store.create({ id: 'e-1', createdAt: T0, status: 'running', progress: 0.4, request: { from: T0, to: T0 + 1, channel: null, policies: [] }, rows: 5, outcome: null, error: null, finishedAt: null });
    const { createEvaluationService } = await import('../../src/evaluation/service.js');
    createEvaluationService({ store, runner: { start: () => undefined, running: () => 0, close: async () => undefined }, setup: () => { throw new Error('unused'); }, baseline: { priorRate: 0.05, drawCorrelation: 0.9, minPriority: 0, forgettingHalfLife: 0, changeDetection: false }, now: () => T0 + 5, newId: () => 'x' });
    const reply = await send(h, 'GET', '/v1/evaluations/e-1');
    expectStatus(reply, 200);
    expect(reply.body).toMatchObject({ status: 'failed', error: 'the service stopped before the evaluation finished', finishedAt: new Date(T0 + 5).toISOString() });
  });
});
