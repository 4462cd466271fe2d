/**
 * The pool updater inverts each new posterior's precision on its worker thread and the learner installs that
 * covariance with the model, so a decision after a learner cycle never inverts a d×d matrix on the event loop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inverseFromCholesky } from '../../src/core/linalg.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';

let h: TestHarness;
afterEach(async () => {
  await h.close();
});

describe('covariance from the worker', () => {
  it('is installed with every model the learner commits, and equals the inverse the decision thread would compute', async () => {
    h = await createTestHarness({ updater: 'pool', env: { KAIROS_LEARNER: 'off' } }); // folded by hand below
    h.services.catalog.putSchema([{ name: 'tier', type: 'categorical', values: ['gold', 'silver'] }], ['web']);
    for (const id of ['a', 'b']) h.services.catalog.putAction(id, { name: id, category: 'sales', value: 1 });
    for (const [i, id] of ['a', 'b', 'a'].entries()) {
      const decision = await h.services.decisions.decide({ channel: 'web', context: { tier: i === 0 ? 'gold' : 'silver' }, candidates: [id] });
      h.services.feedback.record(decision.decisionId, { outcome: i === 0 ? 'response' : 'ignore' });
    }
    expect(await h.learner.runOnce()).toBe(3);
    for (const id of ['a', 'b']) {
      const entry = h.state.model(id);
      expect(entry.posterior.observations).toBe(id === 'a' ? 2 : 1);
      expect(entry.covariance, id).toBeDefined();
      const { d, cholPrecision } = entry.posterior;
      const expected = new Float64Array(d * d);
      inverseFromCholesky(cholPrecision, d, expected);
      expect([...entry.covariance!]).toEqual([...expected]);
    }
  });
});
