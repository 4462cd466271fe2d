/**
 * The learner writes each outcome's per-action contact-history slot (history.ignores) from its decided action's
 * recent_ignores before folding it, so the model learns the x its action was scored with.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadModel } from '../../db/stores/models.js';
import { encodeHistoryCount, historySlotsOf } from '../../src/core/encoding.js';
import { foldBatch, groupByAction, priorPosterior, targetOf } from '../../src/learner/fold.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('learning with the history.ignores slot', () => {
  it('folds each outcome with x[history.ignores] = encodeHistoryCount(recent_ignores of that decision and action)', async () => {
    h = await createTestHarness({ env: { KAIROS_LEARNER: 'off' } });
    h.services.catalog.putSchema([{ name: 'digital', type: 'boolean' }], ['app'], { window: '30d' });
    h.services.catalog.putAction('a', { name: 'A', category: 'sales', value: 1 });
    const history = historySlotsOf(h.state.encoder())!;
    expect(history).toBeDefined();
    const ignores = [0, 3, 1, 12, 2, 0, 5];
    const expectedRows = [];
    for (let i = 0; i < ignores.length; i++) {
      const decision = await h.services.decisions.decide({ channel: 'app', context: { digital: i % 2 === 0 } });
      expect(decision.actions[0]!.actionId).toBe('a');
      // The decision log (another part of issue #10) writes recent_ignores at decision time; here it is set directly.
      h.db.sqlite.prepare('UPDATE decision_actions SET recent_ignores = ? WHERE decision_id = ? AND action_id = ?').run(ignores[i]!, decision.decisionId, 'a');
      const outcome = i % 3 === 0 ? 'response' : 'ignore';
      h.services.feedback.record(decision.decisionId, { actionId: 'a', outcome });
      const stored = h.db.sqlite.prepare('SELECT x FROM decisions WHERE id = ?').get(decision.decisionId) as { x: Buffer };
      const x = new Float64Array(stored.x.byteLength / 8);
      new Uint8Array(x.buffer).set(stored.x);
      expect(x[history.ignores]).toBe(0); // stored with the slot empty: it differs per action
      x[history.ignores] = encodeHistoryCount(ignores[i]!);
      expectedRows.push({ actionId: 'a', x, y: targetOf('logistic', outcome, null) });
    }
    expect(await h.learner.runOnce()).toBe(ignores.length);
    const d = h.state.encoder().dimension;
    const want = foldBatch(h.state.policy, priorPosterior(h.state.policy, 'logistic', d), groupByAction(expectedRows, d).get('a')!);
    const got = loadModel(h.db, 'a')!.posterior;
    expect([...got.mean]).toEqual([...want.mean]);
    // and the slot did carry evidence: its weight moved off the prior mean 0 (it would stay 0 with the slot left empty)
    expect(got.mean[history.ignores]).not.toBe(0);
  });
});
