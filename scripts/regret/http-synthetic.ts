/**
 * synthetic-logistic played through a running Kairos service: a real server process (`src/main.ts` under tsx) on
 * 127.0.0.1, one client at concurrency 1 that asks POST /v1/decisions and posts the round's outcome right after
 * each decision. The service's own learner folds the feedback in (woken by each feedback; batches are whatever has
 * arrived when it runs) — so this measures the HTTP path end to end against the in-process figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../lib/service-process.js';
import type { SyntheticData } from './data/synthetic.js';

async function call(url: string, method: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** One run through a fresh service; resolves to the expected regret over `rounds`. */
export async function playSyntheticOverHttp(data: SyntheticData, rounds: number, onProgress?: (t: number) => void): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-regret-http-'));
  const service = await startServer(dir, { KAIROS_DEMO: 'false' }, { keepLogs: false });
  try {
    await call(`${service.url}/v1/schema`, 'PUT', {
      features: Array.from({ length: data.features }, (_, j) => ({ name: `x${j}`, type: 'boolean' })),
      channels: [],
    });
    for (let a = 0; a < data.k; a += 1) await call(`${service.url}/v1/actions/arm-${a}`, 'PUT', { name: `Arm ${a}`, category: 'sales', value: 1 });
    let regret = 0;
    const n = Math.min(rounds, data.rounds);
    for (let t = 0; t < n; t += 1) {
      const context: Record<string, boolean> = {};
      for (let j = 0; j < data.features; j += 1) context[`x${j}`] = data.x[t * data.features + j] === 1;
      const decision = await call(`${service.url}/v1/decisions`, 'POST', { channel: 'web', context });
      const actions = decision.actions as { actionId: string }[];
      const arm = Number(actions[0]!.actionId.slice('arm-'.length));
      let best = 0;
      for (let a = 0; a < data.k; a += 1) best = Math.max(best, data.p[t * data.k + a]!);
      regret += best - data.p[t * data.k + arm]!;
      const outcome = data.r[t * data.k + arm] === 1 ? 'response' : 'ignore';
      await call(`${service.url}/v1/decisions/${String(decision.decisionId)}/feedback`, 'POST', { actionId: actions[0]!.actionId, outcome });
      if (onProgress && t % 2_000 === 0) onProgress(t);
    }
    return regret;
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
