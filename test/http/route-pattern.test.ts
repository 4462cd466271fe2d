/**
 * route-pattern.ts: the one definition of "the route a request matched" the access check, the metrics and the
 * request log share, and the path spellings of the route-role table.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { answeringRoute, honoPath, lastMatchedRoute, openApiPath } from '../../src/http/route-pattern.js';

describe('route-pattern', () => {
  it('converts between hono and OpenAPI path spellings', () => {
    expect(openApiPath('/v1/actions/:actionId/stats')).toBe('/v1/actions/{actionId}/stats');
    expect(honoPath('/v1/actions/{actionId}/stats')).toBe('/v1/actions/:actionId/stats');
    expect(honoPath(openApiPath('/a/:b_1/c/:d'))).toBe('/a/:b_1/c/:d');
  });

  it('names the first matched route as answering and the last as lastMatchedRoute, skipping middleware', async () => {
    const app = new Hono();
    const seen: Record<string, { answering?: string; last?: string }> = {};
    app.use('*', async (c, next) => {
      await next();
      seen[c.req.path] = { answering: answeringRoute(c)?.path, last: lastMatchedRoute(c)?.path };
    });
    app.get('/docs/assets/kairos-init.js', (c) => c.text('init'));
    app.get('/docs/assets/:file', (c) => c.text(c.req.param('file')));
    expect(await (await app.request('/docs/assets/kairos-init.js')).text()).toBe('init');
    await app.request('/docs/assets/x.css');
    await app.request('/nowhere');
    expect(seen['/docs/assets/kairos-init.js']).toEqual({ answering: '/docs/assets/kairos-init.js', last: '/docs/assets/:file' });
    expect(seen['/docs/assets/x.css']).toEqual({ answering: '/docs/assets/:file', last: '/docs/assets/:file' });
    expect(seen['/nowhere']).toEqual({ answering: undefined, last: undefined });
  });
});
