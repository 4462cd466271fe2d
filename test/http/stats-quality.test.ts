/**
 * The model-quality fields of GET /v1/actions/{id}/stats and GET /v1/stats (issue #11 item 3): success rate,
 * evidence, coefficients' credible intervals, linear actions' reward moments, the prequential quality block, and the
 * ops scripts clearing a replaced model's prediction bins.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main as copyModel } from '../../scripts/copy-model.js';
import { main as reset } from '../../scripts/reset.js';
import { main as warmStart } from '../../scripts/warm-start.js';
import { createRng } from '../../src/core/rng.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { captureIo } from '../scripts/script-fixtures.js';

const harnesses: TestHarness[] = [];
async function harness(): Promise<TestHarness> {
  const h = await createTestHarness({ env: { KAIROS_LEARNER: 'off' } });
  harnesses.push(h);
  h.services.catalog.putSchema([{ name: 'score', type: 'numeric', mean: 0, std: 1 }], ['web']);
  h.services.catalog.putAction('offer', { name: 'Offer', category: 'sales', value: 1 });
  h.services.catalog.putAction('twin', { name: 'Twin', category: 'sales', value: 1 });
  h.services.catalog.putAction('cashback', { name: 'Cashback', category: 'retention', value: 1, likelihood: 'linear' });
  return h;
}
afterEach(async () => {
  while (harnesses.length) await harnesses.pop()!.close();
});

/** Decisions until `n` of them chose `actionId`, each answered by `outcome`; the other choices are left pending. */
async function answer(h: TestHarness, actionId: string, outcomes: { outcome: 'response' | 'ignore'; reward?: number }[], seed = 1): Promise<void> {
  const rng = createRng(seed);
  let i = 0;
  for (let tries = 0; i < outcomes.length && tries < 5_000; tries++) {
    const decision = await h.services.decisions.decide({ channel: 'web', context: { score: rng.nextNormal() } });
    if (decision.actions[0]?.actionId !== actionId) continue;
    h.services.feedback.record(decision.decisionId, { actionId, ...outcomes[i]! });
    i++;
  }
  expect(i).toBe(outcomes.length);
}

async function stats(h: TestHarness, actionId: string): Promise<any> {
  const reply = await send(h, 'GET', `/v1/actions/${actionId}/stats`);
  expectStatus(reply, 200);
  return reply.body;
}

describe('model quality in the statistics', () => {
  it('says null where nothing can be computed yet, and gives every coefficient mean ± 1.96·sd', async () => {
    const h = await harness();
    const body = await stats(h, 'offer');
    expect(body).toMatchObject({ successRate: null, evidence: 0, reward: null, quality: { scored: 0, auc: null, aucCi95: null, calibration: [] } });
    expect(body.model.coefficients.length).toBeGreaterThan(0);
    for (const c of body.model.coefficients) {
      expect(c.ci95[0]).toBeCloseTo(c.mean - 1.959963984540054 * c.sd, 12);
      expect(c.ci95[1]).toBeCloseTo(c.mean + 1.959963984540054 * c.sd, 12);
    }
    expect((await stats(h, 'cashback')).reward).toEqual({ n: 0, mean: null, sd: null });
  });

  it('gives a linear action its reward count, mean and sample sd, and scores only logistic outcomes', async () => {
    const h = await harness();
    await answer(h, 'cashback', [{ outcome: 'response', reward: 2 }, { outcome: 'response', reward: 4 }, { outcome: 'response', reward: 9 }]);
    await answer(h, 'offer', [{ outcome: 'response' }, { outcome: 'ignore' }, { outcome: 'ignore' }, { outcome: 'ignore' }], 2);
    // Read before the learner runs (the statistics keep each model's quality): the cycle's new models show new counts.
    expect((await stats(h, 'offer')).quality.scored).toBe(0);
    expect(await h.learner.runOnce()).toBe(7);
    const linear = await stats(h, 'cashback');
    // Rewards 2, 4, 9: mean 5, Σ(r − 5)² = 9 + 1 + 16 = 26 over n − 1 = 2.
    expect(linear.reward.n).toBe(3);
    expect(linear.reward.mean).toBeCloseTo(5, 12);
    expect(linear.reward.sd).toBeCloseTo(Math.sqrt(13), 12);
    expect(linear.evidence).toBe(3);
    expect(linear.successRate).toBe(1);
    expect(linear.quality).toEqual({ scored: 0, auc: null, aucCi95: null, calibration: [] });
    const logistic = await stats(h, 'offer');
    expect(logistic).toMatchObject({ successRate: 0.25, evidence: 4, reward: null });
    expect(logistic.quality.scored).toBe(4);
    expect(logistic.quality.auc).toBeGreaterThanOrEqual(0);
    expect(logistic.quality.auc).toBeLessThanOrEqual(1);
    // GET /v1/stats: the same fields on every entry.
    const all = await send(h, 'GET', '/v1/stats');
    expectStatus(all, 200);
    for (const entry of all.body.actions) {
      expect(entry, entry.actionId).toHaveProperty('quality.scored');
      expect(entry).toHaveProperty('successRate');
      expect(entry).toHaveProperty('evidence');
      expect(entry).toHaveProperty('reward');
    }
    expect(all.body.actions.find((a: any) => a.actionId === 'cashback').reward).toEqual(linear.reward);
  });

  it('documents the quality block in the OpenAPI document', async () => {
    const h = await harness();
    const doc = (await send(h, 'GET', '/openapi.json')).body;
    expect(Object.keys(doc.components.schemas)).toContain('ModelQuality');
    expect(Object.keys(doc.components.schemas.ActionStats.properties)).toEqual(expect.arrayContaining(['successRate', 'evidence', 'quality', 'reward']));
  });

  it('forgets a model’s prediction bins when an ops script replaces the model (reset, copy-model, warm-start)', async () => {
    const h = await harness();
    await answer(h, 'offer', Array.from({ length: 6 }, (_, i) => ({ outcome: i % 3 === 0 ? ('response' as const) : ('ignore' as const) })), 3);
    await answer(h, 'twin', Array.from({ length: 4 }, (_, i) => ({ outcome: i === 0 ? ('response' as const) : ('ignore' as const) })), 4);
    await h.learner.runOnce();
    expect((await stats(h, 'offer')).quality.scored).toBe(6);
    expect((await stats(h, 'twin')).quality.scored).toBe(4);

    expect(await copyModel(['--db', h.config.dbFile, '--from', 'offer', '--to', 'twin'], captureIo(), {})).toBe(0);
    expect(h.engine.reloadWatcher.check()).toBe(true);
    expect((await stats(h, 'twin')).quality.scored).toBe(0);
    expect((await stats(h, 'offer')).quality.scored).toBe(6);

    expect(await reset(['--db', h.config.dbFile, '--action', 'offer'], captureIo(), {})).toBe(0);
    h.engine.reloadWatcher.check();
    expect(await stats(h, 'offer')).toMatchObject({ evidence: 0, quality: { scored: 0, auc: null, calibration: [] } });

    // Learn again, then warm-start from a file: the warm-started model's record starts with it.
    await answer(h, 'offer', Array.from({ length: 3 }, () => ({ outcome: 'ignore' as const })), 5);
    await h.learner.runOnce();
    expect((await stats(h, 'offer')).quality.scored).toBe(3);
    const file = join(h.dir, 'history.jsonl');
    writeFileSync(file, ['response', 'ignore'].map((outcome) => JSON.stringify({ actionId: 'offer', channel: 'web', outcome, context: { score: 1 } })).join('\n') + '\n');
    expect(await warmStart(['--db', h.config.dbFile, '--file', file], captureIo(), {})).toBe(0);
    h.engine.reloadWatcher.check();
    expect(await stats(h, 'offer')).toMatchObject({ evidence: 5, quality: { scored: 0 } });
  });
});
