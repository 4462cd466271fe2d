import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEchoApp } from '../../scripts/lib/echo-server.js';
import { runFixedRate, summariseLatencies } from '../../scripts/lib/fixed-rate-load.js';

describe('summariseLatencies', () => {
  it('takes nearest-rank percentiles of 1..100', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summariseLatencies(values)).toEqual({ p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
  });

  it('answers NaN for no samples', () => {
    expect(summariseLatencies(new Float64Array(0)).p99).toBeNaN();
  });
});

describe('the echo server and the fixed-rate generator', () => {
  let server: ServerType | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('echoes JSON bodies and sends exactly rate × duration requests, every one answered', async () => {
    const origin = await new Promise<string>((resolve) => {
      server = serve({ fetch: createEchoApp().fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
        resolve(`http://127.0.0.1:${info.port}`),
      );
    });
    const body = { channel: 'app', context: { age: 42, products: ['savings'] } };
    const echoed = await fetch(`${origin}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(echoed.status).toBe(200);
    expect(await echoed.json()).toEqual(body);

    const result = await runFixedRate({ origin, path: '/echo', bodies: [JSON.stringify(body), '{"a":1}'], rate: 200, durationMs: 250, connections: 4 });
    expect(result).toMatchObject({ sent: 50, completed: 50, non2xx: 0, errors: 0 });
    expect(result.latencyMs.p50).toBeGreaterThan(0);
  });

  it('counts non-2xx answers', async () => {
    const origin = await new Promise<string>((resolve) => {
      server = serve({ fetch: createEchoApp().fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
        resolve(`http://127.0.0.1:${info.port}`),
      );
    });
    const result = await runFixedRate({ origin, path: '/missing', bodies: ['{}'], rate: 100, durationMs: 100, connections: 2 });
    expect(result).toMatchObject({ sent: 10, completed: 10, non2xx: 10, errors: 0 });
  });
});
