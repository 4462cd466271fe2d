/**
 * Warm-start against a live learner: the service's learner commits outcomes between the script's fold and its
 * write. The script must merge them, not refuse and not overwrite, and the learner must keep learning afterwards.
 * Everything is real: the engine (learner, decision and feedback services) on the same SQLite file as the script.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../db/open.js';
import { getCurrentSchema, getAction } from '../../db/stores/catalog.js';
import { deleteModel, loadModel } from '../../db/stores/models.js';
import { encodeContext } from '../../src/core/encoding.js';
import { loadConfig } from '../../src/config.js';
import { createEngine, type Engine } from '../../src/engine.js';
import { foldBatch, learningPolicyFromConfig } from '../../src/learner/fold.js';
import { createWarmFold } from '../../scripts/lib/warm-fold.js';
import { startingModel, writeModels } from '../../scripts/warm-start.js';
import { createFixture, expectSamePosterior, type Fixture } from './script-fixtures.js';

let fx: Fixture | undefined;
const open: { engine?: Engine; db?: Db }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.engine?.close();
    o.db?.close();
  }
  fx?.cleanup();
  fx = undefined;
});

const contextOf = (i: number) => ({ age: 20 + (i % 60), segment: i % 3 === 0 ? 'affluent' : 'mass', products: i % 2 ? ['card'] : [], digital: i % 4 === 0 });

/**
 * The service on the fixture's file, with its learner folding only when the test says (runOnce), so the script's
 * fold can be placed between two of its commits. `live(from, n)` decides n times for card-upgrade, records each
 * outcome and runs one learner cycle.
 */
function liveService(f: Fixture, seed: number) {
  const config = loadConfig({ KAIROS_DATA_DIR: f.dir, KAIROS_DEMO: 'false', LOG_LEVEL: 'silent', KAIROS_LEARNER: 'off' }, f.dir);
  const policy = learningPolicyFromConfig(config);
  const serviceDb = openDb(f.file);
  const engine = createEngine(serviceDb, config, { logger: pino({ level: 'silent' }), updater: 'inline', seed });
  open.push({ engine, db: serviceDb });
  const live = async (from: number, n: number) => {
    for (let i = from; i < from + n; i++) {
      const decision = await engine.services.decisions.decide({ channel: 'app', context: contextOf(i), candidates: ['card-upgrade'] });
      expect(decision.actions[0]?.actionId).toBe('card-upgrade');
      engine.services.feedback.record(decision.decisionId, { outcome: i % 5 === 0 ? 'response' : 'ignore' });
    }
    await engine.learner.runOnce();
  };
  return { engine, policy, live };
}

/** The script's fold of `rows` history rows for card-upgrade, from the model stored now, on its own connection. */
function scriptFold(f: Fixture, policy: ReturnType<typeof learningPolicyFromConfig>, rows: number) {
  const scriptDb = openDb(f.file);
  open.push({ db: scriptDb });
  const schema = getCurrentSchema(scriptDb)!;
  const d = f.encoder.dimension;
  const fold = createWarmFold(policy, d, 1000, (id) => startingModel(scriptDb, getAction(scriptDb, id)!, schema.version, d, policy));
  for (let i = 0; i < rows; i++) {
    expect(encodeContext(f.encoder, contextOf(1000 + i), 'web', fold.slot('card-upgrade')).problems).toEqual([]);
    fold.commit('card-upgrade', i % 3 === 0 ? 'response' : 'ignore', null);
  }
  return { scriptDb, schema, folds: fold.finish() };
}

describe('warm-start while the service learns', () => {
  it('merges the outcomes the learner committed meanwhile: none dropped, none refused, the learner goes on', async () => {
    fx = createFixture();
    const f = fx;
    const { engine, policy, live } = liveService(f, 5);
    await live(0, 40); // the model the script will start from: version 1, 40 observations

    // The script's fold, from the model stored now (its own connection, as the script opens it).
    const historyRows = 300;
    const { scriptDb, schema, folds } = scriptFold(f, policy, historyRows);
    expect(folds[0]!.startVersion).toBe(1);
    expect(folds[0]!.startObservations).toBe(40);

    await live(40, 60); // meanwhile the service learns 60 more outcomes: version 2
    expect(loadModel(scriptDb, 'card-upgrade')!.version).toBe(2);

    const { versions, merged } = writeModels(scriptDb, folds, schema.version, policy);
    expect(versions.get('card-upgrade')).toBe(3);
    expect(merged.get('card-upgrade')).toBe(60);
    const afterWarm = loadModel(scriptDb, 'card-upgrade')!;
    expect(afterWarm.posterior.observations).toBe(40 + 60 + historyRows);

    // The learner's next cycle meets a model it did not write (version 3): it reloads and folds on top of it.
    await live(100, 20);
    const final = loadModel(scriptDb, 'card-upgrade')!;
    expect(final.version).toBe(4);
    expect(final.posterior.observations).toBe(40 + 60 + historyRows + 20);
    expect(engine.state.model('card-upgrade').version).toBe(4);
    const feedbackRows = scriptDb.sqlite.prepare(`SELECT count(*) AS n FROM feedback WHERE action_id = 'card-upgrade'`).get() as { n: number };
    expect(feedbackRows.n).toBe(120);
    expect(final.posterior.mean.every(Number.isFinite)).toBe(true);
  });

  it('a reset meanwhile (the learner then writes version 1 again) is merged, not mistaken for the start', async () => {
    fx = createFixture();
    const f = fx;
    const { policy, live } = liveService(f, 6);
    await live(0, 40);
    const { scriptDb, schema, folds } = scriptFold(f, policy, 300);
    expect(folds[0]!.startVersion).toBe(1);

    expect(deleteModel(scriptDb, 'card-upgrade')).toBe(true); // ops reset the model meanwhile …
    await live(40, 60); // … and the learner wrote it again from the prior: version 1 once more, 60 observations
    const relearned = loadModel(scriptDb, 'card-upgrade')!;
    expect([relearned.version, relearned.posterior.observations]).toEqual([1, 60]);

    writeModels(scriptDb, folds, schema.version, policy);
    // The 40 reset observations stay gone; the 60 learnt after the reset and the file's 300 are both kept.
    expect(loadModel(scriptDb, 'card-upgrade')!.posterior.observations).toBe(60 + 300);
  });

  it('writes the plain fold, bit for bit, when nothing changed meanwhile', () => {
    fx = createFixture();
    const f = fx;
    const policy = learningPolicyFromConfig({ priorRate: 0.05, forgettingHalfLife: 0, changeDetection: false });
    const db = openDb(f.file);
    open.push({ db });
    const schema = getCurrentSchema(db)!;
    const d = f.encoder.dimension;
    const fold = createWarmFold(policy, d, 1000, (id) => startingModel(db, getAction(db, id)!, schema.version, d, policy));
    const x = new Float64Array(10 * d);
    const y = new Float64Array(10);
    for (let i = 0; i < 10; i++) {
      encodeContext(f.encoder, contextOf(i), 'app', fold.slot('loan-offer'));
      x.set(fold.slot('loan-offer'), i * d);
      y[i] = i % 2;
      fold.commit('loan-offer', i % 2 ? 'response' : 'ignore', null);
    }
    const folds = fold.finish();
    const { versions, merged } = writeModels(db, folds, schema.version, policy);
    expect(versions.get('loan-offer')).toBe(1);
    expect(merged.size).toBe(0);
    const expected = foldBatch(policy, folds[0]!.startPosterior, { n: 10, d, x, y });
    expectSamePosterior(loadModel(db, 'loan-offer')!.posterior, expected);
  });
});
