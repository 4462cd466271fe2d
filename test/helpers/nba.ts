/**
 * The small bank the NBA decision-path tests (test/http/nba-decisions.*.test.ts) start from: a harness on a movable
 * clock, a schema with a stored attribute (age), a set (products) and an event-fed set (lifeEvents, TTL 7 days), and
 * helpers that decide, post feedback and count rows with status and body checked.
 */
import { expect } from 'vitest';
import { createTestHarness, type HarnessOptions, type TestHarness } from './harness.js';
import { expectStatus, send, type Reply } from './http.js';

export const DAY_MS = 86_400_000;
/** A Tuesday, mid-morning UTC: far enough from midnight that a few seconds of test time stay in one UTC day. */
export const START = Date.parse('2026-12-01T10:00:00.000Z');

export interface Bank {
  h: TestHarness;
  clock: { now: number };
}

export async function createBank(options: HarnessOptions = {}): Promise<Bank> {
  const clock = { now: START };
  const h = await createTestHarness({ now: () => clock.now, ...options });
  expectStatus(
    await send(h, 'PUT', '/v1/schema', {
      features: [
        { name: 'age', type: 'numeric', min: 18, max: 90 },
        { name: 'products', type: 'set', values: ['mortgage', 'card'] },
        { name: 'lifeEvents', type: 'set', values: ['house_purchase', 'job_loss'], events: { ttl: '7d' } },
      ],
      channels: ['app', 'web', 'email'],
    }),
    200,
  );
  return { h, clock };
}

export async function put(h: TestHarness, path: string, body: unknown): Promise<Reply> {
  const reply = await send(h, 'PUT', path, body);
  expect([200, 201], `${path}: ${reply.status} ${reply.text}`).toContain(reply.status);
  return reply;
}

/** A decision that must succeed (200). */
export async function decide(h: TestHarness, body: Record<string, unknown>): Promise<any> {
  const reply = await send(h, 'POST', '/v1/decisions', body);
  expectStatus(reply, 200);
  return reply.body;
}

export async function feedback(h: TestHarness, decisionId: string, outcome: 'response' | 'ignore', actionId?: string): Promise<void> {
  expectStatus(await send(h, 'POST', `/v1/decisions/${decisionId}/feedback`, { outcome, ...(actionId ? { actionId } : {}) }), 202);
}

/** Rows of a table, after the decision log's group commit. */
export function count(h: TestHarness, table: string, where = '1'): number {
  h.engine.decisionLog.flush();
  return (h.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
}

export const ids = (decision: { actions: { actionId: string }[] }): string[] => decision.actions.map((a) => a.actionId);
export const reasonOf = (decision: { excluded?: { actionId: string; reason: string }[] }, actionId: string): string | undefined =>
  decision.excluded?.find((e) => e.actionId === actionId)?.reason;
