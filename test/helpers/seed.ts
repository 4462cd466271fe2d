/** The small catalog most route tests start from: a two-feature schema on app and web, and actions a and b. */
import { expectStatus, send } from './http.js';
import { createTestHarness, type HarnessOptions, type TestHarness } from './harness.js';

/** `{age, segment}` is a context this schema encodes with no unknown key. */
export const SEED_CONTEXT = { age: 30, segment: 'mass' };

export async function seedTwoActions(options: HarnessOptions = {}): Promise<TestHarness> {
  const h = await createTestHarness(options);
  expectStatus(
    await send(h, 'PUT', '/v1/schema', {
      features: [
        { name: 'age', type: 'numeric', min: 18, max: 90 },
        { name: 'segment', type: 'categorical', values: ['mass', 'affluent'] },
      ],
      channels: ['app', 'web'],
    }),
    200,
  );
  expectStatus(await send(h, 'PUT', '/v1/actions/a', { name: 'A', category: 'sales', value: 10 }), 201);
  expectStatus(await send(h, 'PUT', '/v1/actions/b', { name: 'B', category: 'service', value: 1 }), 201);
  return h;
}
