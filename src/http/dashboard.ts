/**
 * GET /dashboard and GET /dashboard/assets/{file}: the data scientists' page (DESIGN.md §9.3). Plain HTML, CSS and
 * ES modules from src/dashboard/assets and the chart library from node_modules (Observable Plot's UMD build on d3's),
 * so the page works on a closed network; nothing comes from a CDN.
 *
 * The shell and its assets hold no data and are public (route-roles.ts): a browser cannot add `Authorization` to a
 * page navigation, and a key in a query string would land in access logs. The page takes the analyst key from the
 * URL fragment (never sent to a server) or a form, keeps it in sessionStorage and sends it as a Bearer token on its
 * data calls, which are analyst-only.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KairosApp } from './env.js';
import { problem } from './problem.js';
import { cachedAssets, type AssetSource } from './static-assets.js';

/**
 * Scripts, data calls and images only from this origin; no inline script, no eval. Styles allow 'unsafe-inline'
 * because Plot writes a `<style>` element into each chart's SVG (its class-scoped defaults); a style cannot run code.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const JS = 'text/javascript; charset=utf-8';
const OWN_DIR = fileURLToPath(new URL('../dashboard/assets/', import.meta.url));

/** Where each servable asset comes from: our own files, or the chart library's UMD builds in node_modules. */
function assetSources(): Record<string, AssetSource> {
  const require = createRequire(import.meta.url);
  // Plot's package exports only its source entry (src/index.js) and d3's only dist/d3.mjs: the UMD files sit beside.
  const plotDir = () => join(dirname(require.resolve('@observablehq/plot')), '..', 'dist');
  const d3Dir = () => dirname(require.resolve('d3'));
  const own = (file: string, type: string) => ({ path: () => join(OWN_DIR, file), type });
  return {
    'dashboard.css': own('dashboard.css', 'text/css; charset=utf-8'),
    'dashboard.js': own('dashboard.js', JS),
    'api.js': own('api.js', JS),
    'charts.js': own('charts.js', JS),
    'format.js': own('format.js', JS),
    'd3.min.js': { path: () => join(d3Dir(), 'd3.min.js'), type: JS },
    'plot.umd.min.js': { path: () => join(plotDir(), 'plot.umd.min.js'), type: JS },
  };
}

/** Registers the page and its assets; neither appears in /openapi.json (they are not API). */
export function registerDashboard(app: KairosApp): void {
  // Read once on first request and kept: the files never change while we run (~0.5 MB in all). The page is its own
  // list, so /dashboard/assets/ does not serve it.
  const page = cachedAssets({ 'index.html': { path: () => join(OWN_DIR, 'index.html'), type: 'text/html; charset=utf-8' } });
  const asset = cachedAssets(assetSources());

  app.get('/dashboard', async (c) => {
    const html = await page('index.html')!.content;
    return c.body(html, 200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': DASHBOARD_CSP,
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
  });
  app.get('/dashboard/assets/:file', async (c) => {
    const file = c.req.param('file');
    // Only a fixed list of names, so no path can leave the asset directories.
    const source = asset(file);
    if (!source) return problem(c, 'not_found', `no dashboard asset named '${file.slice(0, 128)}'`, [{ field: 'file', message: 'no such asset' }]);
    const content = await source.content;
    // Our own files may change with an upgrade (revalidate); the library is pinned by version (cache for a day).
    const cacheControl = file.endsWith('.min.js') ? 'public, max-age=86400' : 'no-cache';
    return c.body(content, 200, { 'content-type': source.type, 'cache-control': cacheControl });
  });
}
