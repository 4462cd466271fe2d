/**
 * The start-up rules with the real service process (src/main.ts under tsx): a non-loopback HOST with no key exits
 * 78 saying what to do; KAIROS_BOOTSTRAP_OPS_KEY starts it keyed and that key works; KAIROS_AUTH=off starts it open
 * with a warning; keys created and revoked by the script while it runs take effect without a restart.
 *
 * Only the refusals use HOST=0.0.0.0: they exit before binding anything. Servers that listen stay on 127.0.0.1
 * (the suite never opens a port beyond loopback); that a non-loopback HOST with a key or with KAIROS_AUTH=off may
 * start is covered by prepareAccess in test/access/startup.test.ts.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main as keysScript } from '../../scripts/keys.js';
import { spawnService, type ServiceExit } from '../../scripts/lib/service-process.js';
import { generateKey } from '../../src/access/keys.js';
import { tempDir } from '../helpers/harness.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { captureIo } from '../scripts/script-fixtures.js';

const LIGHT = { KAIROS_WORKERS: '1', KAIROS_DEMO: 'false' };

let server: RunningServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.stop();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = tempDir('kairos-access-');
  dirs.push(dir);
  return dir;
}

/** Runs the service until it exits by itself (bounded), keeping its stderr. */
function runToExit(dir: string, env: Record<string, string>): Promise<ServiceExit & { stderr: string }> {
  const child = spawnService(dir, { LOG_LEVEL: 'warn', ...LIGHT, ...env }, ['ignore', 'ignore', 'pipe']);
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

async function keys(argv: string[]): Promise<string> {
  const io = captureIo();
  const code = await keysScript(argv, io, {});
  expect(code, io.err()).toBe(0);
  return io.out().trim();
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

describe('start-up access rules (real process)', () => {
  it('refuses HOST=0.0.0.0 with no key: exit 78 and what to do', async () => {
    const result = await runToExit(dataDir(), { HOST: '0.0.0.0' });
    expect(result, result.stderr).toMatchObject({ code: 78 });
    expect(result.stderr).toContain('HOST=0.0.0.0 is not a loopback address');
    expect(result.stderr).toContain('npm run keys -- create --role ops');
    expect(result.stderr).toContain('KAIROS_BOOTSTRAP_OPS_KEY');
    expect(result.stderr).toContain('KAIROS_AUTH=off');
  });

  it('refuses a malformed KAIROS_BOOTSTRAP_OPS_KEY with exit 78, without echoing it', async () => {
    const result = await runToExit(dataDir(), { KAIROS_BOOTSTRAP_OPS_KEY: 'kairos_secret-but-short' });
    expect(result, result.stderr).toMatchObject({ code: 78 });
    expect(result.stderr).toContain('KAIROS_BOOTSTRAP_OPS_KEY');
    expect(result.stderr).not.toContain('secret-but-short');
  });

  it('starts keyed with KAIROS_BOOTSTRAP_OPS_KEY; keys made and revoked meanwhile by the script apply without a restart', async () => {
    const dir = dataDir();
    const ops = generateKey();
    server = await startServer(dir, { ...LIGHT, KAIROS_BOOTSTRAP_OPS_KEY: ops });
    const { url } = server;
    expect(server.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['created the bootstrap ops key from KAIROS_BOOTSTRAP_OPS_KEY', 'API keys are enforced']));
    expect(JSON.stringify(server.logs)).not.toContain(ops.slice(12));

    expect((await get(`${url}/healthz`)).status).toBe(200);
    const anonymous = await get(`${url}/v1/stats`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="kairos"');
    expect((await get(`${url}/v1/stats`, { authorization: `Bearer ${ops}` })).status).toBe(200);
    expect((await get(`${url}/v1/stats`, { 'ocp-apim-subscription-key': ops })).status).toBe(200);

    // A key created by the script against the live database is accepted once the service's ring refreshes.
    const analyst = await keys(['create', '--role', 'analyst', '--name', 'notebook', '--data-dir', dir]);
    await vi.waitFor(async () => expect((await get(`${url}/v1/stats`, { authorization: `Bearer ${analyst}` })).status).toBe(200), {
      timeout: 10_000,
      interval: 25,
    });
    const listed = JSON.parse(await keys(['list', '--json', '--data-dir', dir])) as { keyId: string; name: string }[];
    expect(listed.map((k) => k.name)).toEqual(['bootstrap', 'notebook']);

    // Revoked by the script: refused once the ring refreshes (a condition, not a sleep).
    await keys(['revoke', listed[1]!.keyId, '--data-dir', dir]);
    await vi.waitFor(async () => expect((await get(`${url}/v1/stats`, { authorization: `Bearer ${analyst}` })).status).toBe(401), {
      timeout: 10_000,
      interval: 25,
    });
    expect((await get(`${url}/v1/stats`, { authorization: `Bearer ${ops}` })).status).toBe(200);
  });

  it('KAIROS_AUTH=off starts with a warning and checks no key, even when keys exist', async () => {
    const dir = dataDir();
    await keys(['create', '--role', 'ops', '--name', 'admin', '--data-dir', dir]);
    server = await startServer(dir, { ...LIGHT, KAIROS_AUTH: 'off' });
    const warning = server.logs.find((l) => String(l.msg).startsWith('KAIROS_AUTH=off'));
    expect(warning, JSON.stringify(server.logs)).toMatchObject({ level: 40 });
    expect((await get(`${server.url}/v1/stats`)).status).toBe(200);
  });

  it('on loopback with no key starts open with a warning; the first key made by the script closes it', async () => {
    const dir = dataDir();
    server = await startServer(dir, LIGHT);
    const warning = server.logs.find((l) => String(l.msg).startsWith('no API key exists'));
    expect(warning, JSON.stringify(server.logs)).toMatchObject({ level: 40 });
    expect((await get(`${server.url}/v1/stats`)).status).toBe(200);
    const key = await keys(['create', '--role', 'ops', '--name', 'admin', '--data-dir', dir]);
    await vi.waitFor(async () => expect((await get(`${server!.url}/v1/stats`)).status).toBe(401), { timeout: 10_000, interval: 25 });
    expect((await get(`${server.url}/v1/stats`, { authorization: `Bearer ${key}` })).status).toBe(200);
  });
});
