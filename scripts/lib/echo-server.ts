/**
 * The baseline for the HTTP benchmark: a bare Hono JSON echo (POST /echo parses the JSON body and returns it)
 * served by @hono/node-server, the same stack Kairos serves on, with none of its work. Run as a child process
 * (`node --import tsx scripts/lib/echo-server.ts`) so it does not share an event loop with the load generator.
 *
 * Environment: PORT (0 = any free port, the default), HOST (default 127.0.0.1). When listening it writes one
 * JSON line `{"port": N}` to stdout. It stops on SIGTERM/SIGINT and when its stdin closes (so it does not
 * outlive a parent that died without stopping it).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { isDirectRun } from './args.js';

/** The echo app: POST /echo → 200 with the parsed JSON body re-serialised; GET /healthz → 200. */
export function createEchoApp(): Hono {
  const app = new Hono();
  app.post('/echo', async (c) => c.json(await c.req.json<unknown>()));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  return app;
}

function main(): void {
  const port = Number(process.env.PORT ?? '0');
  const hostname = process.env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`PORT must be 0–65535, got ${process.env.PORT}`);
  const server = serve({ fetch: createEchoApp().fetch, port, hostname }, (info) => {
    process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
  });
  const stop = (): void => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}

if (isDirectRun(import.meta.url)) main();
