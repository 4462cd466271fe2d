/**
 * The learner on real SQLite files: order, exactly-once across an interrupted commit, optimistic conflicts with
 * another process, stale-schema rows, implicit ignores from the expirer, and pick-up of changes made by scripts.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../db/open.js';
import { deleteModel, loadModel, putModel } from '../../db/stores/models.js';
import { getAppliedSeq } from '../../db/stores/learner-state.js';
import { createRng } from '../../src/core/rng.js';
import { foldBatch, groupByAction, priorPosterior, targetOf } from '../../src/learner/fold.js';
import { createTestHarness, tempDir, type TestHarness } from '../helpers/harness.js';

const harnesses: TestHarness[] = [];
/**
 * The tests drive the learner by hand (`runOnce`): with the learner on, feedback would wake it, and its cycles
 * would fold rows in between the awaited decisions (group commit), in batches the tests do not choose.
 */
async function harness(options: Parameters<typeof createTestHarness>[0] = {}): Promise<TestHarness> {
  const h = await createTestHarness({ ...options, env: { KAIROS_LEARNER: 'off', ...options.env } });
  harnesses.push(h);
  return h;
}
afterEach(async () => {
  while (harnesses.length) await harnesses.pop()!.close();
});

function setUpCatalog(h: TestHarness): void {
  h.services.catalog.putSchema(
    [
      { name: 'score', type: 'numeric', mean: 0, std: 1 },
      { name: 'tier', type: 'categorical', values: ['gold', 'silver'] },
    ],
    ['web', 'app'],
  );
  for (const id of ['a', 'b', 'c']) h.services.catalog.putAction(id, { name: id.toUpperCase(), category: 'sales', value: 1 });
}

/** n decisions with feedback; returns the outcomes in feedback order. */
async function playRounds(h: TestHarness, n: number, seed: number): Promise<{ actionId: string; x: Float64Array; y: number }[]> {
  const rng = createRng(seed);
  const rows: { actionId: string; x: Float64Array; y: number }[] = [];
  for (let i = 0; i < n; i += 1) {
    const context = { score: rng.nextNormal(), tier: rng.nextFloat() < 0.5 ? 'gold' : 'silver' };
    const decision = await h.services.decisions.decide({ channel: rng.nextFloat() < 0.5 ? 'web' : 'app', context });
    const chosen = decision.actions[0]!.actionId;
    const outcome = rng.nextFloat() < (chosen === 'a' ? 0.3 : 0.1) ? 'response' : 'ignore';
    h.services.feedback.record(decision.decisionId, { actionId: chosen, outcome });
    const stored = h.db.sqlite.prepare('SELECT x FROM decisions WHERE id = ?').get(decision.decisionId) as { x: Buffer };
    const x = new Float64Array(stored.x.byteLength / 8);
    new Uint8Array(x.buffer).set(stored.x);
    rows.push({ actionId: chosen, x, y: targetOf('logistic', outcome, null) });
  }
  return rows;
}

describe('learner', () => {
  it('folds every outcome once, in order, and advances the cursor in the same transaction', async () => {
    const h = await harness({ env: { KAIROS_LEARNER_BATCH: '37' } });
    setUpCatalog(h);
    const rows = await playRounds(h, 200, 3);
    expect(await h.learner.runOnce()).toBe(200);
    expect(getAppliedSeq(h.db)).toBe(200);
    expect(await h.learner.runOnce()).toBe(0);

    // Reference: the same rows, in the same batches of 37, folded directly.
    const d = h.state.encoder().dimension;
    const expected = new Map(['a', 'b', 'c'].map((id) => [id, priorPosterior(h.state.policy, 'logistic', d)]));
    for (let start = 0; start < rows.length; start += 37) {
      for (const [id, batch] of groupByAction(rows.slice(start, start + 37), d)) {
        expected.set(id, foldBatch(h.state.policy, expected.get(id)!, batch));
      }
    }
    for (const id of ['a', 'b', 'c']) {
      const stored = loadModel(h.db, id);
      const want = expected.get(id)!;
      expect(stored?.posterior.observations).toBe(want.observations);
      expect([...stored!.posterior.mean]).toEqual([...want.mean]);
      expect([...h.state.model(id).posterior.mean]).toEqual([...want.mean]);
    }
  });

  it('does not learn duplicate feedback twice', async () => {
    const h = await harness();
    setUpCatalog(h);
    const decision = await h.services.decisions.decide({ channel: 'web', context: { score: 1 } });
    const id = decision.actions[0]!.actionId;
    expect(h.services.feedback.record(decision.decisionId, { actionId: id, outcome: 'response' }).duplicate).toBe(false);
    expect(h.services.feedback.record(decision.decisionId, { actionId: id, outcome: 'response' }).duplicate).toBe(true);
    expect(await h.learner.runOnce()).toBe(1);
    expect(h.state.model(id).posterior.observations).toBe(1);
  });

  it('after a crash between computing and committing, a restart reaches exactly the uninterrupted posterior', async () => {
    const h = await harness({ env: { KAIROS_LEARNER_BATCH: '50' } });
    setUpCatalog(h);
    await playRounds(h, 120, 5);
    h.engine.decisionLog.flush();
    h.db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const copyDir = tempDir();
    copyFileSync(h.config.dbFile, join(copyDir, 'kairos.db'));
    if (existsSync(`${h.config.dbFile}-wal`)) copyFileSync(`${h.config.dbFile}-wal`, join(copyDir, 'kairos.db-wal'));

    // Uninterrupted run on the original.
    await h.learner.runOnce();

    // Interrupted run on the copy: the first batch is computed, then the "process" dies before committing.
    const crashing = await harness({ env: { KAIROS_LEARNER_BATCH: '50', KAIROS_DATA_DIR: copyDir } });
    const crash = new Error('simulated crash');
    const { createEngine } = await import('../../src/engine.js');
    const dying = createEngine(crashing.db, crashing.config, {
      logger: crashing.logger,
      updater: 'inline',
      beforeCommit: () => {
        throw crash;
      },
    });
    await expect(dying.learner.runOnce()).rejects.toBe(crash);
    expect(getAppliedSeq(crashing.db)).toBe(0);
    expect(loadModel(crashing.db, 'a')).toBeUndefined();

    // "Restart": a fresh engine on the same file.
    const fresh = openDb(join(copyDir, 'kairos.db'));
    try {
      const restarted = createEngine(fresh, crashing.config, { logger: crashing.logger, updater: 'inline' });
      expect(await restarted.learner.runOnce()).toBe(120);
      for (const id of ['a', 'b', 'c']) {
        const x = loadModel(fresh, id)!;
        const y = loadModel(h.db, id)!;
        expect(Buffer.from(x.posterior.mean.buffer).equals(Buffer.from(y.posterior.mean.buffer)), id).toBe(true);
        expect(Buffer.from(x.posterior.precision.buffer).equals(Buffer.from(y.posterior.precision.buffer)), id).toBe(true);
        expect(x.posterior.observations).toBe(y.posterior.observations);
      }
    } finally {
      fresh.close();
    }
  });

  it('recomputes from the new state when another process changes a model mid-cycle', async () => {
    const h = await harness();
    setUpCatalog(h);
    const rows = await playRounds(h, 60, 9);
    const other = openDb(h.config.dbFile);
    const d = h.state.encoder().dimension;
    const warm = foldBatch(
      h.state.policy,
      priorPosterior(h.state.policy, 'logistic', d),
      groupByAction(rows.filter((r) => r.actionId === rows[0]!.actionId), d).get(rows[0]!.actionId)!,
    );
    let interfered = false;
    const { createEngine } = await import('../../src/engine.js');
    const engine = createEngine(h.db, h.config, {
      logger: h.logger,
      updater: 'inline',
      beforeCommit: () => {
        if (interfered) return;
        interfered = true;
        // An ops script warm-starts the first action between our read and our commit.
        putModel(other, rows[0]!.actionId, h.state.schema().version, warm, Date.now());
      },
    });
    expect(await engine.learner.runOnce()).toBe(60);
    const stored = loadModel(h.db, rows[0]!.actionId)!;
    // The learner's 60 rows were folded on top of the warm-started model, not on top of the prior.
    const mine = groupByAction(rows.filter((r) => r.actionId === rows[0]!.actionId), d).get(rows[0]!.actionId)!;
    expect(stored.posterior.observations).toBe(warm.observations + mine.n);
    other.close();
  });

  it('consumes rows decided under an older schema without learning from them', async () => {
    const h = await harness();
    setUpCatalog(h);
    await playRounds(h, 10, 1);
    h.services.catalog.putSchema([{ name: 'score', type: 'numeric', mean: 0, std: 1 }], ['web', 'app']);
    expect(await h.learner.runOnce()).toBe(10);
    expect(getAppliedSeq(h.db)).toBe(10);
    for (const id of ['a', 'b', 'c']) expect(h.state.model(id).posterior.observations).toBe(0);
  });

  it('learns a decision left without an outcome past the feedback window as an ignore', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const h = await harness({ now: () => now, env: { KAIROS_FEEDBACK_WINDOW: '1h' } });
    setUpCatalog(h);
    const decision = await h.services.decisions.decide({ channel: 'web', context: { score: 0.5 } });
    expect(await h.engine.expirer.runOnce()).toBe(0);
    now += 3_600_001;
    expect(await h.engine.expirer.runOnce()).toBe(1);
    expect(await h.learner.runOnce()).toBe(1);
    const id = decision.actions[0]!.actionId;
    expect(h.state.model(id).posterior.observations).toBe(1);
    expect(h.services.stats.action(id)).toMatchObject({ decisions: 1, ignores: 1, responses: 0, pending: 0 });
    // A late client answer is a duplicate of the recorded ignore, not a second lesson.
    expect(h.services.feedback.record(decision.decisionId, { outcome: 'response' })).toMatchObject({ duplicate: true, outcome: 'ignore' });
  });

  it('picks up a model reset by another process', async () => {
    const h = await harness();
    setUpCatalog(h);
    await playRounds(h, 30, 2);
    await h.learner.runOnce();
    const trained = h.state.model('a').posterior.observations + h.state.model('b').posterior.observations;
    expect(trained).toBeGreaterThan(0);
    const other = openDb(h.config.dbFile);
    deleteModel(other, 'a');
    deleteModel(other, 'b');
    other.close();
    expect(h.engine.reloadWatcher.check()).toBe(true);
    expect(h.state.model('a').posterior.observations).toBe(0);
    expect(h.state.model('b').posterior.observations).toBe(0);
    expect(h.engine.reloadWatcher.check()).toBe(false);
  });
});

describe('worker pool updater', () => {
  it('computes bit-identical posteriors to the inline updater', async () => {
    const h = await harness({ updater: 'pool' });
    setUpCatalog(h);
    const rows = await playRounds(h, 80, 4);
    await h.learner.runOnce();
    const d = h.state.encoder().dimension;
    for (const [id, batch] of groupByAction(rows, d)) {
      const want = foldBatch(h.state.policy, priorPosterior(h.state.policy, 'logistic', d), batch);
      expect([...h.state.model(id).posterior.mean]).toEqual([...want.mean]);
      expect([...h.state.model(id).posterior.precision]).toEqual([...want.precision]);
    }
    expect(h.services.health.readiness()).toEqual({ ready: true, checks: { database: true, workers: true } });
  });
});
