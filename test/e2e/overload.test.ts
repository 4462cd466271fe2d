/**
 * Backpressure end to end (issue #9, item 6): a real server on 127.0.0.1 under 500 closed-loop connections for a
 * few seconds (a bounded load from a child process). Past KAIROS_MAX_INFLIGHT it answers 503 with Retry-After
 * instead of letting requests queue until clients time out, and /healthz — probed from this process on a fresh
 * connection each time, as an orchestrator does — keeps answering throughout.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadInChild, OVERLOAD_BODY } from '../../scripts/bench-overload.js';
import { probeUntil } from '../../scripts/lib/overload.js';
import { tempDir } from '../helpers/harness.js';
import { json, startServer, type RunningServer } from '../helpers/server.js';

const CONNECTIONS = 500;
const LOAD_SECONDS = 4;

let server: RunningServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.stop('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

describe('overload', () => {
  it('sheds with 503 + Retry-After, no client times out, /healthz answers throughout', async () => {
    dir = tempDir('kairos-overload-');
    server = await startServer(dir, { KAIROS_MAX_INFLIGHT: '64' }, { keepLogs: false });

    // Probes time out at 5 s (a Docker HEALTHCHECK's default timeout is 30 s); clients at 10 s.
    const probe = probeUntil(`${server.url}/healthz`, 250, 5_000);
    const load = await loadInChild(server.url, CONNECTIONS, LOAD_SECONDS);
    const probes = await probe.stop();
    const summary = JSON.stringify({ load, probes });

    expect(load.statuses['503'] ?? 0, summary).toBeGreaterThan(0);
    expect(load.statuses['200'] ?? 0, summary).toBeGreaterThan(0);
    expect(Object.keys(load.statuses).sort(), summary).toEqual(['200', '503']);
    expect(load.unavailableWithoutRetryAfter, summary).toBe(0);
    expect(load.timeouts, summary).toBe(0);
    expect(load.errors, summary).toBe(0);
    expect(probes.failed, summary).toBe(0);
    expect(probes.answered, summary).toBeGreaterThanOrEqual(4);

    // Afterwards it serves as before, and stops cleanly.
    const res = await fetch(`${server.url}/v1/decisions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: OVERLOAD_BODY });
    expect(res.status).toBe(200);
    expect(await json<{ decisionId: string }>(res)).toHaveProperty('decisionId');
    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
