/**
 * Review of the merged measurement parts (issue #11): the defects found by using the service as a user would, each
 * pinned by a test that failed before its fix.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { createBank } from '../helpers/nba.js';

let h: TestHarness;
beforeEach(async () => {
  h = (await createBank()).h;
});
afterEach(async () => {
  await h.close();
});

describe('time parameters of the measurement routes', () => {
  // Date.parse rolls an impossible calendar date over into the next month ('2026-02-30' is 2 March), and reads a
  // date-time without an offset in the server's time zone: both answered 200 for a window nobody asked for.
  const routes = ['/v1/lift', '/v1/stats/series', '/v1/stats/no-action'];
  const impossible = ['2026-02-30', '2026-02-29T10:00:00Z', '2026-04-31T00:00:00+02:00', '2026-06-00'];

  for (const route of routes) {
    it(`${route}: an impossible calendar date is a 400 naming the parameter`, async () => {
      for (const date of impossible) {
        const reply = await send(h, 'GET', `${route}?from=${encodeURIComponent(date)}`);
        expectStatus(reply, 400);
        expect(reply.body.errors[0].field, date).toBe('from');
      }
      const to = await send(h, 'GET', `${route}?to=2026-11-31`);
      expectStatus(to, 400);
      expect(to.body.errors[0].field).toBe('to');
    });

    it(`${route}: a date-time without an offset is a 400 (it would depend on the server's time zone)`, async () => {
      const reply = await send(h, 'GET', `${route}?to=2026-12-01T10:00`);
      expectStatus(reply, 400);
      expect(reply.body.errors[0].field).toBe('to');
    });

    it(`${route}: valid dates, date-times with an offset and Unix ms still answer`, async () => {
      for (const [from, to] of [
        ['2024-02-29', '2024-03-01'],
        ['2026-11-30T23:00:00Z', '2026-12-01T01:00:00%2B01:00'],
        ['1764547200000', '1764633600000'],
      ]) {
        const reply = await send(h, 'GET', `${route}?from=${from}&to=${to}`);
        expectStatus(reply, 200);
      }
      const leap = await send(h, 'GET', `${route}?from=2024-02-29&to=2024-03-01`);
      expect(leap.body.from).toBe('2024-02-29T00:00:00.000Z');
    });
  }
});
