/**
 * What API-key checks cost on the request path, in process (no sockets, so the difference is not lost in network
 * noise): `access.authenticate` alone, then the same requests through two apps over one database file — one with
 * KAIROS_AUTH=off, one keyed (a key exists and is sent) — in alternating blocks, so drift on a shared machine hits
 * both alike. The figure is the median block's µs per request.
 *
 *   npm run bench:auth -- [--requests 20000] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { openDb, type Db } from '../db/open.js';
import { loadConfig, type Config } from '../src/config.js';
import { createEngine, type Engine } from '../src/engine.js';
import { createApp } from '../src/http/app.js';
import { isDirectRun, parseOrUsage, positiveInt, PROCESS_IO, runScript, UsageError } from './lib/args.js';

const USAGE = `Usage: npm run bench:auth -- [--requests <n>] [--json]
  --requests <n>   requests per mode and route (default 20000), in 5 alternating blocks after a warm-up block
  --json           print only the JSON line
`;

const DECISION = JSON.stringify({ channel: 'app', context: { age: 41, incomeBand: 'middle', digitalActive: true } });
const BLOCKS = 5;

const REQUESTS: Record<string, () => [string, RequestInit]> = {
  'GET /v1/actions/{actionId}': () => ['/v1/actions/fee-waiver', {}],
  'POST /v1/decisions': () => ['/v1/decisions', { method: 'POST', body: DECISION, headers: { 'content-type': 'application/json' } }],
};

interface Side {
  db: Db;
  engine: Engine;
  app: ReturnType<typeof createApp>;
}

function side(config: Readonly<Config>): Side {
  const logger = pino({ level: 'silent' });
  const db = openDb(config.dbFile, { synchronous: config.synchronous });
  const engine = createEngine(db, config, { logger, updater: 'inline', seed: 1 });
  return { db, engine, app: createApp({ services: engine.services, logger, bodyLimitBytes: config.bodyLimitBytes, version: 'bench' }) };
}

/** µs per request over `count` sequential requests; every answer must be a 200. */
async function timeBlock(app: Side['app'], make: () => [string, RequestInit], headers: Record<string, string>, count: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) {
    const [path, init] = make();
    const res = await app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }
  return Number(process.hrtime.bigint() - start) / 1e3 / count;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 100) / 100;

export async function main(argv: string[]): Promise<number> {
  return runScript(PROCESS_IO, 'npm run bench:auth -- --help', async () => {
    const options = { requests: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;
    const { values } = parseOrUsage(() => parseArgs({ args: argv, options, strict: true }));
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const requests = positiveInt(values.requests, 'requests', 20_000);
    if (requests < BLOCKS) throw new UsageError(`--requests must be at least ${BLOCKS}`);
    const block = Math.floor(requests / BLOCKS);
    const dir = mkdtempSync(join(tmpdir(), 'kairos-bench-auth-'));
    const env = { KAIROS_DATA_DIR: dir, KAIROS_DEMO: 'true', LOG_LEVEL: 'silent', KAIROS_LEARNER: 'off', KAIROS_WORKERS: '1' };
    const keyed = side(loadConfig(env, dir));
    const off = side(loadConfig({ ...env, KAIROS_AUTH: 'off' }, dir));
    try {
      const key = keyed.engine.services.keys.create('bench', 'ops').key;
      const auth = { authorization: `Bearer ${key}` };
      const denied = (await keyed.app.request('/v1/actions/fee-waiver')).status;
      if (denied !== 401) throw new Error(`the keyed app answered ${denied} without a key`);

      const calls = 1_000_000;
      const hashStart = process.hrtime.bigint();
      for (let i = 0; i < calls; i += 1) keyed.engine.services.access.authenticate(key);
      const authenticateNs = Number(process.hrtime.bigint() - hashStart) / calls;

      const perRoute: Record<string, { offUs: number; keyedUs: number; overheadUs: number }> = {};
      for (const [name, make] of Object.entries(REQUESTS)) {
        // Both sides send the same header, so the difference is the check alone, not building a larger Request.
        await timeBlock(off.app, make, auth, block); // warm-up, both sides
        await timeBlock(keyed.app, make, auth, block);
        const offUs: number[] = [];
        const keyedUs: number[] = [];
        for (let i = 0; i < BLOCKS; i += 1) {
          offUs.push(await timeBlock(off.app, make, auth, block));
          keyedUs.push(await timeBlock(keyed.app, make, auth, block));
        }
        const o = median(offUs);
        const k = median(keyedUs);
        perRoute[name] = { offUs: round(o), keyedUs: round(k), overheadUs: round(k - o) };
      }
      const result = { authenticateNs: round(authenticateNs), requestsPerMode: block * BLOCKS, perRoute };
      if (!values.json) {
        process.stdout.write(`authenticate(key): ${result.authenticateNs} ns per call (SHA-256 + Map get)\n`);
        for (const [name, r] of Object.entries(perRoute)) {
          process.stdout.write(`${name.padEnd(28)} auth off ${r.offUs} µs   keyed ${r.keyedUs} µs   difference ${r.overheadUs} µs per request\n`);
        }
      }
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    } finally {
      for (const s of [keyed, off]) {
        await s.engine.close();
        s.db.close();
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

if (isDirectRun(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
