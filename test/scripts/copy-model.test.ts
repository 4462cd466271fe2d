import { afterEach, describe, expect, it } from 'vitest';
import { insertSchema } from '../../db/stores/catalog.js';
import { loadModel, putModel } from '../../db/stores/models.js';
import type { Posterior } from '../../src/core/types.js';
import { foldBatch, priorPosterior } from '../../src/learner/fold.js';
import { main } from '../../scripts/copy-model.js';
import { captureIo, createFixture, expectSamePosterior, FEATURES, withDb, type Fixture } from './script-fixtures.js';

const POLICY = { priorRate: 0.05, forgettingHalfLife: 0, changeDetection: false };

let fx: Fixture | undefined;
afterEach(() => fx?.cleanup());

/** A learned (non-prior) logistic posterior: a few outcomes folded in. */
function learned(d: number): Posterior {
  const n = 3;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i += 1) {
    x[i * d] = 1;
    x[i * d + 1 + i] = 1;
  }
  return foldBatch(POLICY, priorPosterior(POLICY, 'logistic', d), { n, d, x, y: Float64Array.from([1, 0, 1]) });
}

describe('copy-model', () => {
  it('prints usage with --help and exits 0', async () => {
    const io = captureIo();
    expect(await main(['--help'], io, {})).toBe(0);
    expect(io.out()).toContain('Usage: npm run copy-model');
  });

  it.each([
    [['--to', 'b'], '--from'],
    [['--from', 'a'], '--to'],
    [['--from', 'a', '--to', 'a'], 'same action'],
    [['--from', 'a', '--to', 'b', '--yes'], "'--yes'"],
  ])('exits 2 naming the option for %j', async (argv, expected) => {
    const io = captureIo();
    expect(await main(argv, io, {})).toBe(2);
    expect(io.err()).toContain(expected);
  });

  it('copies the posterior bit for bit and replaces the target model', async () => {
    fx = createFixture();
    const f = fx;
    const source = learned(f.encoder.dimension);
    withDb(f.file, (db) => {
      putModel(db, 'card-upgrade', f.schemaVersion, source, 3_000);
      putModel(db, 'loan-offer', f.schemaVersion, priorPosterior(POLICY, 'logistic', f.encoder.dimension), 3_000);
    });
    const io = captureIo();
    expect(await main(['--db', f.file, '--from', 'card-upgrade', '--to', 'loan-offer'], io, {})).toBe(0);
    expect(io.out()).toContain("to 'loan-offer' (now version 2)");
    withDb(f.file, (db) => {
      const copied = loadModel(db, 'loan-offer')!;
      expect(copied.schemaVersion).toBe(f.schemaVersion);
      expectSamePosterior(copied.posterior, source);
      expectSamePosterior(loadModel(db, 'card-upgrade')!.posterior, source);
    });
  });

  it('fails with exit 1 when an action is unknown or the source has no model, changing nothing', async () => {
    fx = createFixture();
    const f = fx;
    const cases: [string[], string][] = [
      [['--from', 'ghost', '--to', 'loan-offer'], "unknown action 'ghost'"],
      [['--from', 'card-upgrade', '--to', 'ghost'], "unknown action 'ghost'"],
      [['--from', 'loan-offer', '--to', 'card-upgrade'], 'has no stored model'],
    ];
    withDb(f.file, (db) => putModel(db, 'card-upgrade', f.schemaVersion, learned(f.encoder.dimension), 3_000));
    for (const [argv, message] of cases) {
      const io = captureIo();
      expect(await main(['--db', f.file, ...argv], io, {})).toBe(1);
      expect(io.err()).toContain(message);
    }
    withDb(f.file, (db) => {
      expect(loadModel(db, 'loan-offer')).toBeUndefined();
      expect(loadModel(db, 'card-upgrade')!.version).toBe(1);
    });
  });

  it('refuses a source model of an older schema version and a likelihood mismatch', async () => {
    fx = createFixture();
    const f = fx;
    withDb(f.file, (db) => putModel(db, 'card-upgrade', f.schemaVersion, learned(f.encoder.dimension), 3_000));

    const io = captureIo();
    expect(await main(['--db', f.file, '--from', 'card-upgrade', '--to', 'cashback'], io, {})).toBe(1);
    expect(io.err()).toContain("'cashback' uses the linear likelihood");

    withDb(f.file, (db) => insertSchema(db, FEATURES, ['app'], f.encoder.dimension - 1, 4_000));
    const io2 = captureIo();
    expect(await main(['--db', f.file, '--from', 'card-upgrade', '--to', 'loan-offer'], io2, {})).toBe(1);
    expect(io2.err()).toContain(`schema version ${f.schemaVersion}, the current schema is version ${f.schemaVersion + 1}`);
    withDb(f.file, (db) => {
      expect(loadModel(db, 'loan-offer')).toBeUndefined();
      expect(loadModel(db, 'cashback')).toBeUndefined();
    });
  });
});
