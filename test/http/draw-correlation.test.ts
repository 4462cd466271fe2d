/** The service draws with KAIROS_DRAW_CORRELATION: the probability it reports is the one of that policy. */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LOGISTIC_PRIOR } from '../../src/core/prior.js';
import { chosenProbability } from '../../src/core/selection-probability.js';
import { DRAW_CORRELATION } from '../../src/core/thompson.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Two cold actions of value 1 and 2 on one channel; the schema's only feature is left out of the context. */
async function seed(env: Record<string, string>): Promise<TestHarness> {
  const harness = await createTestHarness({ env });
  expectStatus(await send(harness, 'PUT', '/v1/schema', { features: [{ name: 'age', type: 'numeric', min: 18, max: 90 }], channels: ['web'] }), 200);
  expectStatus(await send(harness, 'PUT', '/v1/actions/x', { name: 'X', category: 'sales', value: 1 }), 201);
  expectStatus(await send(harness, 'PUT', '/v1/actions/y', { name: 'Y', category: 'sales', value: 2 }), 201);
  return harness;
}

/** The exact probability of choosing `index` among the two cold actions under correlation ρ. */
function expected(index: number, correlation: number): number {
  // Encoded context: bias 1, age missing (0), channel=web 1, channel=other 0, so the score of a cold action is
  // N(logit(priorRate), biasVariance + weightVariance).
  const m = Math.log(DEFAULT_LOGISTIC_PRIOR.priorRate / (1 - DEFAULT_LOGISTIC_PRIOR.priorRate));
  const sd = Math.sqrt(DEFAULT_LOGISTIC_PRIOR.biasVariance + DEFAULT_LOGISTIC_PRIOR.weightVariance);
  return chosenProbability(
    index,
    2,
    { means: Float64Array.of(m, m), sds: Float64Array.of(sd, sd), scales: Float64Array.of(1, 2), correlation },
    0,
  );
}

describe('KAIROS_DRAW_CORRELATION', () => {
  it('sets the policy whose probability each decision reports (default 0.9; 0 = independent draws)', async () => {
    // The two policies really differ here: with shared optimism the more valuable action wins far more often.
    expect(expected(1, DRAW_CORRELATION) - expected(1, 0)).toBeGreaterThan(0.05);
    for (const [env, correlation] of [[{}, DRAW_CORRELATION], [{ KAIROS_DRAW_CORRELATION: '0' }, 0]] as const) {
      h = await seed(env);
      for (let n = 0; n < 5; n++) {
        const reply = await send(h, 'POST', '/v1/decisions', { channel: 'web', context: {} });
        expectStatus(reply, 200);
        const chosen = reply.body.actions[0];
        expect(chosen.probability, reply.text).toBeCloseTo(expected(chosen.actionId === 'x' ? 0 : 1, correlation), 9);
      }
      await h.close();
      h = undefined;
    }
  });
});
