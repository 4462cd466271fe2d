/**
 * GET /dashboard and its assets (issue #11 item 4): public (no data in them), a strict CSP, every reference local,
 * the chart library served from node_modules with JavaScript types; the data calls behind the analyst role.
 * The page itself is driven in a real browser by test/browser/dashboard.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';

let h: TestHarness;
beforeAll(async () => {
  h = await createTestHarness({ apiKeys: true });
});
afterAll(async () => {
  await h.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('the dashboard page', () => {
  it('is HTML without a key, with a strict CSP, referencing only local assets that are all served without a key', async () => {
    const page = await send(h, 'GET', '/dashboard');
    expectStatus(page, 200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp, csp).toContain("default-src 'self'");
    expect(csp, csp).toContain("script-src 'self'");
    expect(csp, csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval)/);
    expect(csp, csp).toContain("connect-src 'self'");
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(page.text, 'no inline script').not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const refs = [...page.text.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((ref) => ref !== 'data:,');
    expect(refs.sort()).toEqual(['/dashboard/assets/d3.min.js', '/dashboard/assets/dashboard.css', '/dashboard/assets/dashboard.js', '/dashboard/assets/plot.umd.min.js']);
    for (const ref of refs) expectStatus(await send(h, 'GET', ref), 200);
  });

  it('serves the modules the page imports, and Plot 0.6.17 and d3 7.9.2 from node_modules', async () => {
    const main = await send(h, 'GET', '/dashboard/assets/dashboard.js');
    const imported = [...main.text.matchAll(/from '\.\/([\w.-]+)'/g)].map((m) => m[1]!);
    expect(imported.sort()).toEqual(['api.js', 'charts.js', 'format.js']);
    for (const file of imported) {
      const reply = await send(h, 'GET', `/dashboard/assets/${file}`);
      expectStatus(reply, 200);
      expect(reply.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(reply.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    }
    const plot = await send(h, 'GET', '/dashboard/assets/plot.umd.min.js');
    expectStatus(plot, 200);
    expect(plot.text).toMatch(/@observablehq\/plot v?0\.6\.17|version.{0,5}0\.6\.17/);
    expect(plot.headers.get('cache-control')).toBe('public, max-age=86400');
    const d3 = await send(h, 'GET', '/dashboard/assets/d3.min.js');
    expectStatus(d3, 200);
    expect(d3.text).toContain('7.9.2');
    const css = await send(h, 'GET', '/dashboard/assets/dashboard.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });
});

describe('the data calls', () => {
  it('need a key: 401 without, 403 for app, 200 for analyst and ops', async () => {
    for (const path of ['/v1/stats/series', '/v1/stats/no-action', '/v1/stats']) {
      expectStatus(await send(h, 'GET', path), 401);
      expectStatus(await send(h, 'GET', path, undefined, bearer(h.apiKeys!.app)), 403);
      expectStatus(await send(h, 'GET', path, undefined, bearer(h.apiKeys!.analyst)), 200);
      expectStatus(await send(h, 'GET', path, undefined, bearer(h.apiKeys!.ops)), 200);
    }
  });
});
