/**
 * GET /model → PUT /model must round-trip for any loop. Actions are created on first sight (and retired only after
 * KAIROS_PERSONALIZER_ACTION_TTL, 30 days by default), so a news site ranking each day's 50 articles holds hundreds.
 * Found in review: at ~45 KB an action under the batch body limit (16 MB), a loop of a few hundred actions exported a
 * file its own server refused with 413. Now the file keeps the precision's upper triangle (~23 KB an action) and
 * PUT …/model accepts at least 128 MB (app.ts MODEL_BODY_LIMIT_BYTES).
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
