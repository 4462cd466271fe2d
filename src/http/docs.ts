/**
 * GET /openapi.json (OpenAPI 3.1, generated from the routes' zod schemas) and GET /docs (Swagger UI).
 * Swagger UI is served from the installed `swagger-ui-dist` package, never a CDN, so the docs work on a closed
 * network; the page references only /docs/assets/* and /openapi.json.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { annotateSecurity } from './access/openapi-security.js';
import type { KairosApp, RouteDeps } from './env.js';
import { problem } from './problem.js';
import { cachedAssets, type AssetSource } from './static-assets.js';

const ASSET_TYPES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui.css.map': 'application/json; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-bundle.js.map': 'application/json; charset=utf-8',
  'favicon-16x16.png': 'image/png',
  'favicon-32x32.png': 'image/png',
};

/** Our initializer, served as a file (not inline) so a strict Content-Security-Policy can forbid inline scripts. */
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout'
  });
});
`;

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Kairos API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="/docs/assets/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js" charset="utf-8"></script>
    <script src="/docs/assets/kairos-init.js" charset="utf-8"></script>
  </body>
</html>
`;

/**
 * The docs page's Content-Security-Policy. Scripts only from this origin (the bundle and our initializer are files,
 * no inline script, no eval: the bundle's `Function('return this')` fallbacks are never reached in a browser);
 * `connect-src 'self'` lets the page fetch /openapi.json and run "Try it out" against this service only. Styles
 * allow 'unsafe-inline' because Swagger UI's components set inline styles; images allow data: for its icons.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Directory of the installed swagger-ui-dist package (it has no `exports` map, so package.json resolves). */
function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** Registers GET /openapi.json, GET /docs and GET /docs/assets/*; none of them appear in the document. */
export function registerDocs(app: KairosApp, deps: RouteDeps): void {
  // Generated on first request (every route is registered by then) and kept: the routes never change at runtime.
  let document: ReturnType<KairosApp['getOpenAPI31Document']> | undefined;
  app.get('/openapi.json', (c) => {
    document ??= annotateSecurity(app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Kairos',
        version: deps.version,
        description: 'Next-best-action engine: contextual Thompson sampling with one Bayesian model per action.',
      },
    }));
    return c.json(document);
  });

  // Files are read once, on first request, and kept: the bundle is ~1.7 MB and never changes while we run.
  let assetDir: string | undefined;
  const sources: Record<string, AssetSource> = {};
  for (const [file, type] of Object.entries(ASSET_TYPES)) sources[file] = { path: () => join((assetDir ??= swaggerUiDir()), file), type };
  const asset = cachedAssets(sources);

  app.get('/docs', (c) => {
    c.header('content-security-policy', DOCS_CSP);
    c.header('referrer-policy', 'no-referrer');
    return c.html(INDEX_HTML);
  });
  app.get('/docs/assets/kairos-init.js', (c) =>
    c.body(INIT_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    // Only a fixed list of names, so no path can escape the package directory.
    const source = asset(file);
    if (!source) return problem(c, 'not_found', `no docs asset named '${file.slice(0, 128)}'`, [{ field: 'file', message: 'no such asset' }]);
    return c.body(await source.content, 200, { 'content-type': source.type, 'cache-control': 'public, max-age=86400' });
  });
}
