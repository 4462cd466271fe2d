/** PUT/GET /v1/schema with the contact-history option (DESIGN.md §4): two slots after the channel block. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileEncoder, encodeContext, encodeHistoryCount, historySlotsOf, sameSchema } from '../../src/core/encoding.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';

const FEATURES = [{ name: 'digital', type: 'boolean' }];

let h: TestHarness;
beforeEach(async () => {
  h = await createTestHarness();
});
afterEach(async () => {
  await h.close();
});

describe('contact-history schema option', () => {
  it('appends history.ignores and history.contacts after the channels, and GET reports the window', async () => {
    const put = await send(h, 'PUT', '/v1/schema', { features: FEATURES, channels: ['app'], contactHistory: { window: '30d' } });
    expectStatus(put, 200);
    expect(put.body, put.text).toMatchObject({
      unchanged: false,
      dimension: 6,
      contactHistory: { window: '30d' },
      slots: ['bias', 'digital', 'channel=app', 'channel=other', 'history.ignores', 'history.contacts'],
    });
    const get = await send(h, 'GET', '/v1/schema');
    expect({ ...get.body, unchanged: false }, get.text).toEqual(put.body);
  });

  it('an equal window (720h = 30d) is the same schema; another window or none is a new version', async () => {
    const first = await send(h, 'PUT', '/v1/schema', { features: FEATURES, channels: ['app'], contactHistory: { window: '30d' } });
    const same = await send(h, 'PUT', '/v1/schema', { features: FEATURES, channels: ['app'], contactHistory: { window: '720h' } });
    expect(same.body, same.text).toMatchObject({ unchanged: true, version: first.body.version, contactHistory: { window: '30d' } });
    const other = await send(h, 'PUT', '/v1/schema', { features: FEATURES, channels: ['app'], contactHistory: { window: '7d' } });
    expect(other.body, other.text).toMatchObject({ unchanged: false, version: first.body.version + 1 });
    const none = await send(h, 'PUT', '/v1/schema', { features: FEATURES, channels: ['app'] });
    expect(none.body, none.text).toMatchObject({ unchanged: false, version: first.body.version + 2, dimension: 4 });
    expect(none.body.contactHistory, none.text).toBeUndefined();
  });
});

describe('contact-history encoding', () => {
  it('locates the slots and their window, leaves them 0 in encodeContext', () => {
    const enc = compileEncoder({ features: [{ name: 'digital', type: 'boolean' }], channels: ['app', 'email'], contactHistory: { window: '12h' } });
    expect(historySlotsOf(enc)).toEqual({ ignores: 5, contacts: 6, windowMs: 12 * 3_600_000 });
    expect(historySlotsOf(compileEncoder({ features: [], channels: ['app'] }))).toBeUndefined();
    const x = new Float64Array(enc.dimension).fill(9);
    encodeContext(enc, { digital: true }, 'email', x);
    expect([...x]).toEqual([1, 1, 0, 1, 0, 0, 0]);
  });

  it('encodes a count as log1p(min(n, 10)) / log1p(10)', () => {
    expect(encodeHistoryCount(0)).toBe(0);
    expect(encodeHistoryCount(-2)).toBe(0);
    expect(encodeHistoryCount(Number.NaN)).toBe(0);
    expect(encodeHistoryCount(1)).toBeCloseTo(Math.log(2) / Math.log(11), 15);
    expect(encodeHistoryCount(10)).toBe(1);
    expect(encodeHistoryCount(1e9)).toBe(1);
    for (let n = 1; n < 12; n++) expect(encodeHistoryCount(n)).toBeGreaterThanOrEqual(encodeHistoryCount(n - 1));
  });

  it('rejects a bad window and a slot collision', () => {
    expect(() => compileEncoder({ features: [], channels: [], contactHistory: { window: '7x' } })).toThrow(/contactHistory\.window/);
    expect(() => compileEncoder({ features: [{ name: 'history.ignores', type: 'boolean' }], channels: [], contactHistory: { window: '7d' } })).toThrow(/twice/);
    expect(sameSchema({ features: [], channels: [] }, { features: [], channels: [], contactHistory: { window: '1d' } })).toBe(false);
  });
});
