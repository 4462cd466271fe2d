/**
 * The whole loop through a real server on 127.0.0.1: decide → feedback → learn online → persist.
 * Outcomes come from a known logistic truth, so we can say what "learning" must look like: the response rate of
 * the last fifth of decisions must clearly beat what uniform random choice earns on the very same contexts.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { tempDir } from '../helpers/harness.js';
import { json, runUntilExit, startServer, untilLogged, type RunningServer } from '../helpers/server.js';

const K = 5;
const FEATURES = 5;
const ROUNDS = 5_000;
const CONCURRENCY = 4;

interface Truth {
  theta: number[][]; // K × (1 + FEATURES), bias first
}

function makeTruth(seed: number): Truth {
  const rng = createRng(seed);
  const theta = Array.from({ length: K }, () => [-2 + 0.5 * rng.nextNormal(), ...Array.from({ length: FEATURES }, () => rng.nextNormal())]);
  return { theta };
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

function responseProbability(truth: Truth, k: number, x: number[]): number {
  const t = truth.theta[k]!;
  let z = t[0]!;
  for (let j = 0; j < FEATURES; j += 1) z += t[j + 1]! * x[j]!;
  return sigmoid(z);
}

async function setUp(url: string): Promise<void> {
  const schema = await fetch(`${url}/v1/schema`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      features: Array.from({ length: FEATURES }, (_, j) => ({ name: `f${j + 1}`, type: 'numeric', mean: 0, std: 1 })),
      channels: ['web'],
    }),
  });
  expect(schema.status, await schema.clone().text()).toBe(200);
  for (let k = 0; k < K; k += 1) {
    const res = await fetch(`${url}/v1/actions/arm-${k}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Arm ${k}`, category: 'sales', value: 1 }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
}

interface PlayResult {
  responses: number[]; // per round, 0/1
  uniform: number[]; // per round, expected response of uniform choice
  best: number[]; // per round, expected response of the best arm
}

/** Plays `rounds` decisions with feedback right after each; `CONCURRENCY` clients share the round counter. */
async function play(url: string, truth: Truth, rounds: number, seed: number): Promise<PlayResult> {
  const rng = createRng(seed);
  const contexts = Array.from({ length: rounds }, () => Array.from({ length: FEATURES }, () => rng.nextNormal()));
  const coins = Array.from({ length: rounds }, () => rng.nextFloat());
  const result: PlayResult = { responses: new Array(rounds).fill(0), uniform: [], best: [] };
  for (const x of contexts) {
    const ps = Array.from({ length: K }, (_, k) => responseProbability(truth, k, x));
    result.uniform.push(ps.reduce((a, b) => a + b, 0) / K);
    result.best.push(Math.max(...ps));
  }
  let next = 0;
  const client = async (): Promise<void> => {
    for (let i = next++; i < rounds; i = next++) {
      const x = contexts[i]!;
      const context = Object.fromEntries(x.map((v, j) => [`f${j + 1}`, v]));
      const res = await fetch(`${url}/v1/decisions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: `c-${i}`, channel: 'web', context }),
      });
      const decision = await json<{ decisionId: string; actions: { actionId: string }[]; noAction: boolean }>(res);
      if (res.status !== 200) throw new Error(`decision ${i}: ${res.status} ${JSON.stringify(decision)}`);
      const chosen = decision.actions[0]!.actionId;
      const k = Number(chosen.slice('arm-'.length));
      const responded = coins[i]! < responseProbability(truth, k, x);
      result.responses[i] = responded ? 1 : 0;
      const fb = await fetch(`${url}/v1/decisions/${decision.decisionId}/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ actionId: chosen, outcome: responded ? 'response' : 'ignore' }),
      });
      if (fb.status !== 202) throw new Error(`feedback ${i}: ${fb.status} ${await fb.text()}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  return result;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

interface ModelRow {
  action_id: string;
  mean: Buffer;
  precision: Buffer;
  observations: number;
  version: number;
}

function readModels(file: string): { models: ModelRow[]; appliedSeq: number } {
  const db = new Database(file, { readonly: true });
  try {
    const models = db.prepare('SELECT action_id, mean, precision, observations, version FROM models ORDER BY action_id').all() as ModelRow[];
    const state = db.prepare('SELECT applied_seq FROM learner_state').get() as { applied_seq: number } | undefined;
    return { models, appliedSeq: state?.applied_seq ?? 0 };
  } finally {
    db.close();
  }
}

describe('end to end on a real server', () => {
  const dirs: string[] = [];
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.stop('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('learns from a known logistic truth, keeps its posteriors across a restart, and learns exactly once across a crash', async () => {
    const dir = tempDir('kairos-e2e-');
    dirs.push(dir);
    const truth = makeTruth(7);

    // 1. Learn.
    server = await startServer(dir, { KAIROS_DEMO: 'false' });
    await setUp(server.url);
    const played = await play(server.url, truth, ROUNDS, 11);
    const fifth = ROUNDS / 5;
    const lastFifth = played.responses.slice(-fifth);
    const rate = mean(lastFifth);
    const uniformRate = mean(played.uniform.slice(-fifth));
    const bestRate = mean(played.best.slice(-fifth));
    const sd = Math.sqrt((uniformRate * (1 - uniformRate)) / fifth);
    const summary = { rate, uniformRate, bestRate, firstFifth: mean(played.responses.slice(0, fifth)) };
    // "Clearly beats": more than 5 binomial sds above uniform, and most of the way from uniform to the best arm.
    expect(rate, JSON.stringify(summary)).toBeGreaterThan(uniformRate + 5 * sd);
    expect(rate - uniformRate, JSON.stringify(summary)).toBeGreaterThan(0.5 * (bestRate - uniformRate));

    const decisionLines = await untilLogged(server, (l) => l.msg === 'decision', ROUNDS);
    expect(decisionLines.length).toBe(ROUNDS);
    expect(decisionLines[0]).toMatchObject({ channel: 'web', chosen: expect.stringMatching(/^arm-/), decisionId: expect.any(String) });

    // 2. Restart: SIGTERM drains the learner (every committed outcome is folded in before exit); the restarted
    //    process serves exactly the posteriors that are in the SQLite file.
    const stopped = await server.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(server.logs.some((l) => l.msg === 'shut down cleanly')).toBe(true);
    const afterStop = readModels(join(dir, 'kairos.db'));
    expect(afterStop.appliedSeq).toBe(ROUNDS);
    expect(afterStop.models.reduce((s, m) => s + m.observations, 0)).toBe(ROUNDS);

    server = await startServer(dir);
    const after = await json<{ actions: { actionId: string; model: { observations: number; coefficients: { mean: number }[] } }[] }>(
      await fetch(`${server.url}/v1/stats`),
    );
    expect(after.actions).toHaveLength(K);
    for (const action of after.actions) {
      const stored = afterStop.models.find((m) => m.action_id === action.actionId)!;
      const storedMean = new Float64Array(stored.mean.byteLength / 8);
      new Uint8Array(storedMean.buffer).set(stored.mean);
      expect(action.model.coefficients.map((c) => c.mean)).toEqual([...storedMean]);
      expect(action.model.observations).toBe(stored.observations);
    }

    // 3. Exactly once across a crash. Record 1,000 outcomes with the learner off, then copy the database twice:
    //    one copy is learned by a process that dies (SIGKILL) between computing and committing its first batch and is
    //    then restarted; the other by an uninterrupted process. Both must end with bit-identical posteriors.
    await server.stop('SIGTERM');
    server = await startServer(dir, { KAIROS_LEARNER: 'off' });
    await play(server.url, truth, 1_000, 12);
    await server.stop('SIGTERM');
    const pending = readModels(join(dir, 'kairos.db'));
    expect(pending.appliedSeq).toBe(ROUNDS);

    const crashed = tempDir('kairos-e2e-crash-');
    const clean = tempDir('kairos-e2e-clean-');
    dirs.push(crashed, clean);
    for (const target of [crashed, clean]) {
      mkdirSync(target, { recursive: true });
      for (const suffix of ['', '-wal', '-shm']) {
        const file = join(dir, `kairos.db${suffix}`);
        if (existsSync(file)) cpSync(file, join(target, `kairos.db${suffix}`));
      }
    }
    const batch = { KAIROS_LEARNER_BATCH: '300' };
    const killed = await runUntilExit(crashed, { ...batch, KAIROS_FAULT_INJECTION: 'crash-before-commit' });
    expect(killed.signal).toBe('SIGKILL');
    expect(readModels(join(crashed, 'kairos.db')).appliedSeq).toBe(ROUNDS); // nothing of the batch committed

    server = await startServer(crashed, batch);
    await server.stop('SIGTERM');
    server = await startServer(clean, batch);
    await server.stop('SIGTERM');
    server = undefined;

    const a = readModels(join(crashed, 'kairos.db'));
    const b = readModels(join(clean, 'kairos.db'));
    expect(a.appliedSeq).toBe(ROUNDS + 1_000);
    expect(b.appliedSeq).toBe(ROUNDS + 1_000);
    expect(a.models.map((m) => m.action_id)).toEqual(b.models.map((m) => m.action_id));
    a.models.forEach((m, i) => {
      const o = b.models[i]!;
      expect(m.observations).toBe(o.observations);
      expect(Buffer.compare(m.mean, o.mean), `mean of ${m.action_id}`).toBe(0);
      expect(Buffer.compare(m.precision, o.precision), `precision of ${m.action_id}`).toBe(0);
    });
  }, 300_000);
});
