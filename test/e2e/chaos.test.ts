/**
 * Chaos: a real server on 127.0.0.1 under concurrent decisions and feedback, killed with SIGKILL three times
 * mid-load and restarted on the same data directory, then stopped cleanly. The client keeps a ledger of every
 * 200/202 it received; at the end the ledger must agree with the database:
 *  - no acknowledged decision or outcome is lost, and the database holds none the client was not told of, except
 *    at most one per request in flight when the process was killed (written, but its answer never arrived);
 *  - no outcome is stored twice;
 *  - the learner's applied cursor is the last feedback seq, and every action's model has learned exactly its
 *    feedback rows (none lost, none folded twice across the crashes).
 * Kills are triggered by the ledger's progress (a count of acknowledged decisions), not by timers.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import type { Rng } from '../../src/core/types.js';
import { tempDir } from '../helpers/harness.js';
import { json, startServer, type RunningServer } from '../helpers/server.js';

const CLIENTS = 8;
/** Acknowledged decisions in each phase before its SIGKILL (three kills), then the clean final phase. */
const KILL_AFTER = [600, 1_200, 1_800];
const FINAL_DECISIONS = 600;
/** Share of acknowledged decisions that get an outcome. */
const FEEDBACK_SHARE = 0.75;

interface Ledger {
  /** Acknowledged decisions (200): id → chosen action ids. */
  decisions: Map<string, string[]>;
  /** Acknowledged outcomes (202, or 200 duplicate): "decisionId/actionId" → outcome. */
  outcomes: Map<string, string>;
  /** Decision requests that failed without an answer (in flight at a kill): they may or may not be stored. */
  unanswered: number;
  /** Outcomes owed: acknowledged decisions whose feedback is yet to be acknowledged. */
  owed: { decisionId: string; actionId: string; outcome: 'response' | 'ignore' }[];
}

const CONTEXT_BANDS = ['low', 'lower_middle', 'middle', 'upper_middle', 'high'];
const CHANNELS = ['app', 'web', 'email'];

function decisionBody(rng: Rng): string {
  return JSON.stringify({
    channel: CHANNELS[Math.floor(rng.nextFloat() * CHANNELS.length)],
    context: {
      age: 18 + Math.floor(rng.nextFloat() * 70),
      incomeBand: CONTEXT_BANDS[Math.floor(rng.nextFloat() * CONTEXT_BANDS.length)],
      tenureYears: Math.floor(rng.nextFloat() * 30),
      digitalActive: rng.nextFloat() < 0.6,
    },
  });
}

/**
 * CLIENTS concurrent loops against one server until `done()` says stop, or the server dies under them. An
 * unanswered decision is counted; an unanswered outcome goes back to the owed list (it is retried in the next phase,
 * where it is acknowledged as new or as a duplicate).
 */
async function load(
  url: string,
  ledger: Ledger,
  rng: Rng,
  done: () => boolean,
  onDecision: () => void,
  mode: 'mixed' | 'outcomes' = 'mixed',
): Promise<void> {
  let dead = false;
  const post = (path: string, body: string) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const client = async (): Promise<void> => {
    while (!dead && !done()) {
      const owed = ledger.owed.length > 0 && (mode === 'outcomes' || rng.nextFloat() < 0.5) ? ledger.owed.shift() : undefined;
      if (!owed && mode === 'outcomes') return;
      if (owed) {
        try {
          const res = await post(`/v1/decisions/${owed.decisionId}/feedback`, JSON.stringify({ actionId: owed.actionId, outcome: owed.outcome }));
          const body = await json<{ outcome: string }>(res);
          expect([200, 202], JSON.stringify(body)).toContain(res.status);
          ledger.outcomes.set(`${owed.decisionId}/${owed.actionId}`, body.outcome);
        } catch (error) {
          if (!(error instanceof TypeError)) throw error; // a failed fetch; anything else is a wrong answer
          ledger.owed.push(owed);
          dead = true;
        }
        continue;
      }
      try {
        const res = await post('/v1/decisions', decisionBody(rng));
        const body = await json<{ decisionId: string; actions: { actionId: string }[] }>(res);
        expect(res.status, JSON.stringify(body)).toBe(200);
        const actions = body.actions.map((a) => a.actionId);
        ledger.decisions.set(body.decisionId, actions);
        if (actions.length > 0 && rng.nextFloat() < FEEDBACK_SHARE) {
          ledger.owed.push({ decisionId: body.decisionId, actionId: actions[0]!, outcome: rng.nextFloat() < 0.3 ? 'response' : 'ignore' });
        }
        onDecision();
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        ledger.unanswered += 1;
        dead = true;
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
}

const dataDir = tempDir('kairos-chaos-');
let server: RunningServer | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
});

describe('chaos: SIGKILL mid-load, three times', () => {
  it('loses no acknowledged decision or outcome, stores none twice, and learns each outcome exactly once', async () => {
    const ledger: Ledger = { decisions: new Map(), outcomes: new Map(), unanswered: 0, owed: [] };
    const rng = createRng(2026);
    const env = { KAIROS_WORKERS: '1', KAIROS_DEMO: 'true' };

    for (const killAfter of KILL_AFTER) {
      server = await startServer(dataDir, env, { keepLogs: false });
      const running = server;
      let acknowledged = 0;
      let killed = false;
      await load(running.url, ledger, rng, () => killed, () => {
        acknowledged += 1;
        if (acknowledged === killAfter && !killed) {
          killed = true;
          running.child.kill('SIGKILL'); // the other clients' requests are in flight
        }
      });
      expect(await running.exited).toMatchObject({ signal: 'SIGKILL' });
    }

    // Final phase: more load, then every owed outcome, then a clean stop (the learner drains).
    server = await startServer(dataDir, env, { keepLogs: false });
    const final = server;
    let acknowledged = 0;
    await load(final.url, ledger, rng, () => acknowledged >= FINAL_DECISIONS, () => (acknowledged += 1));
    await load(final.url, ledger, rng, () => ledger.owed.length === 0, () => undefined, 'outcomes');
    expect(ledger.owed).toEqual([]);
    expect(await final.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    server = undefined;

    const db = new Database(join(dataDir, 'kairos.db'), { readonly: true });
    try {
      const stored = new Map<string, string[]>();
      for (const row of db.prepare('SELECT decision_id, action_id FROM decision_actions ORDER BY decision_id, slot').all() as { decision_id: string; action_id: string }[]) {
        stored.set(row.decision_id, [...(stored.get(row.decision_id) ?? []), row.action_id]);
      }
      const storedIds = new Set((db.prepare('SELECT id FROM decisions').all() as { id: string }[]).map((r) => r.id));
      const lostDecisions = [...ledger.decisions.keys()].filter((id) => !storedIds.has(id));
      expect(lostDecisions, 'acknowledged decisions missing from the database').toEqual([]);
      for (const [id, actions] of ledger.decisions) expect(stored.get(id) ?? [], id).toEqual(actions);
      const unacknowledged = [...storedIds].filter((id) => !ledger.decisions.has(id));
      expect(unacknowledged.length).toBeLessThanOrEqual(ledger.unanswered);

      const feedback = db.prepare('SELECT decision_id, action_id, outcome FROM feedback ORDER BY seq').all() as {
        decision_id: string;
        action_id: string;
        outcome: string;
      }[];
      const storedOutcomes = new Map(feedback.map((f) => [`${f.decision_id}/${f.action_id}`, f.outcome]));
      expect(storedOutcomes.size, 'an outcome stored twice').toBe(feedback.length);
      // Every outcome the client sent was eventually acknowledged (retried after a kill), so the sets are equal.
      expect(storedOutcomes).toEqual(ledger.outcomes);

      const { maxSeq } = db.prepare('SELECT coalesce(max(seq), 0) AS maxSeq FROM feedback').get() as { maxSeq: number };
      const { applied } = db.prepare('SELECT applied_seq AS applied FROM learner_state WHERE id = 1').get() as { applied: number };
      expect(applied).toBe(maxSeq);
      const perAction = new Map<string, number>();
      for (const f of feedback) perAction.set(f.action_id, (perAction.get(f.action_id) ?? 0) + 1);
      const models = new Map(
        (db.prepare('SELECT action_id, observations FROM models').all() as { action_id: string; observations: number }[]).map((m) => [m.action_id, m.observations]),
      );
      for (const [actionId, rows] of perAction) expect(models.get(actionId), actionId).toBe(rows);
      for (const [actionId, observations] of models) expect(observations, actionId).toBe(perAction.get(actionId) ?? 0);

      // The running counts were written in the same transactions as the rows they count.
      const counts = db.prepare('SELECT sum(decisions) AS d, sum(responses) + sum(ignores) AS f FROM action_counts').get() as { d: number; f: number };
      expect(counts).toEqual({ d: [...stored.values()].reduce((n, a) => n + a.length, 0), f: feedback.length });

      expect(ledger.decisions.size).toBeGreaterThanOrEqual(KILL_AFTER.reduce((a, b) => a + b, 0) + FINAL_DECISIONS);
      expect(ledger.outcomes.size).toBeGreaterThan(ledger.decisions.size / 2);
    } finally {
      db.close();
    }
  }, 120_000);
});
