/**
 * GET /model → PUT /model must round-trip for any loop. Actions are created on first sight and never retired, and
 * each costs ~45 KB in the model file (mean and a 65×65 precision as base64 float64, model-file.ts); PUT …/model gets
 * the batch body limit (app.ts modelBodyLimit, KAIROS_BATCH_BODY_LIMIT, 16 MB by default). So a loop that has seen a
 * few hundred actions — a news site ranking each day's 50 articles reaches that in a week — exports a file its own
 * server refuses with 413: the backup cannot be restored.
 */
import { afterEach, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { send } from '../helpers/http.js';

const V10 = '/personalizer/v1.0';
let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('a loop that has seen 400 actions (8 days of 50 articles) imports its own exported model', async () => {
  h = await createTestHarness();
  for (let day = 0; day < 8; day++) {
    const actions = Array.from({ length: 50 }, (_, i) => ({ id: `article-${day}-${i}`, features: [{ topic: `t${i % 7}`, day }] }));
    const r = await send(h, 'POST', `${V10}/rank`, { contextFeatures: [{ device: 'phone' }], actions });
    expect(r.status, r.text).toBe(201);
  }
  const exported = await h.app.request(`${V10}/model`);
  expect(exported.status).toBe(200);
  const file = new Uint8Array(await exported.arrayBuffer());
  const put = await h.app.request(`${V10}/model`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: file });
  expect(put.status, `${file.byteLength} bytes: ${(await put.text()).slice(0, 300)}`).toBe(204);
}, 60_000);
