/**
 * The decision log's group commit on a real SQLite file: answers wait for their batch's commit, one bad record fails
 * alone, a locked database refuses the batch with a 503, and a full queue refuses new decisions (backpressure).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../db/open.js';
import { insertDecisionsIsolated, isLockError, type DecisionRecord } from '../../db/stores/decisions.js';
import { createDecisionLog, type DecisionWriter } from '../../src/domain/decision-log.js';
import { AppError } from '../../src/errors.js';
import { chosen, decision } from '../db/fixtures.js';
import { tempDir } from '../helpers/harness.js';

const open: Db[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

function setUp(options: { flushMs?: number; maxPending?: number; busyTimeoutMs?: number } = {}) {
  const db = openDb(join(tempDir(), 'kairos.db'), { busyTimeoutMs: options.busyTimeoutMs ?? 5_000 });
  open.push(db);
  const batches: number[] = [];
  // The real SQLite writer, counting its transactions.
  const writer: DecisionWriter = {
    writeBatch: (records) => {
      batches.push(records.length);
      return insertDecisionsIsolated(db, records);
    },
    isTransient: isLockError,
  };
  const errors: { error: unknown; decisionIds: string[] }[] = [];
  const log = createDecisionLog({
    writer,
    flushMs: options.flushMs ?? 0,
    maxPending: options.maxPending ?? 1_000,
    onError: (error, { decisionIds }) => errors.push({ error, decisionIds }),
  });
  const stored = () => (db.sqlite.prepare('SELECT id FROM decisions ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  return { db, log, batches, errors, stored };
}

const settle = (promises: Promise<void>[]) => Promise.allSettled(promises);

describe('decision log (group commit)', () => {
  it('answers once the batch is committed, one transaction for the decisions of one event-loop turn', async () => {
    const { log, batches, stored } = setUp();
    const appended = ['d1', 'd2', 'd3'].map((id, i) => log.append(decision(id, i, ['a'])));
    expect(stored()).toEqual([]); // nothing answered yet, nothing written yet
    expect(log.pending()).toBe(3);
    await Promise.all(appended);
    expect(stored()).toEqual(['d1', 'd2', 'd3']);
    expect(batches).toEqual([3]);
    expect(log.pending()).toBe(0);
  });

  it("one record's constraint failure fails only that record; the others in its batch commit", async () => {
    const { log, batches, errors, stored } = setUp();
    const poisoned: DecisionRecord = decision('bad', 2, ['a'], { actions: [{ ...chosen('a', 0), propensity: Number.NaN }] });
    const results = await settle([log.append(decision('g1', 1, ['a'])), log.append(poisoned), log.append(decision('g2', 3, ['a', 'b']))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const failure = (results[1] as PromiseRejectedResult).reason as AppError;
    expect(failure).toBeInstanceOf(AppError);
    expect(failure.code).toBe('internal');
    expect(failure.message).toMatch(/NOT NULL constraint failed: decision_actions\.propensity/);
    expect(stored()).toEqual(['g1', 'g2']);
    expect(batches).toEqual([3]);
    expect(errors.map((e) => e.decisionIds)).toEqual([['bad']]); // told once
  });

  it('refuses the batch with a 503 and Retry-After while another connection holds the write lock, and writes nothing', async () => {
    const { db, log, errors, stored } = setUp({ busyTimeoutMs: 0 });
    const other = openDb(db.file);
    open.push(other);
    other.sqlite.prepare('BEGIN IMMEDIATE').run();
    const results = await settle([log.append(decision('d1', 1, ['a'])), log.append(decision('d2', 2, ['a']))]);
    other.sqlite.prepare('COMMIT').run();
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'unavailable', retryAfterSeconds: 1 });
    }
    expect(stored()).toEqual([]);
    expect(errors).toHaveLength(1);
    await log.append(decision('d3', 3, ['a']));
    expect(stored()).toEqual(['d3']);
  });

  it('refuses new decisions with 503 once maxPending records wait for their commit, and recovers after it', async () => {
    const { log, stored } = setUp({ flushMs: 1_000, maxPending: 2 });
    const waiting = [log.append(decision('d1', 1, ['a'])), log.append(decision('d2', 2, ['a']))];
    expect(() => log.admit()).toThrow(AppError);
    await expect(log.append(decision('d3', 3, ['a']))).rejects.toMatchObject({ code: 'unavailable', retryAfterSeconds: 1 });
    log.flush();
    await Promise.all(waiting);
    expect(stored()).toEqual(['d1', 'd2']);
    expect(() => log.admit()).not.toThrow();
    const next = log.append(decision('d4', 4, ['a']));
    log.flush();
    await next;
    expect(stored()).toEqual(['d1', 'd2', 'd4']);
  });

  it('flushes on close and refuses later decisions', async () => {
    const { log, stored } = setUp({ flushMs: 1_000 });
    const waiting = log.append(decision('d1', 1, ['a']));
    log.close();
    await waiting;
    expect(stored()).toEqual(['d1']);
    await expect(log.append(decision('d2', 2, ['a']))).rejects.toMatchObject({ code: 'unavailable' });
  });
});
