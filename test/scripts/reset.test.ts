import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadModel, loadModels, putModel } from '../../db/stores/models.js';
import { priorPosterior } from '../../src/learner/fold.js';
import { main } from '../../scripts/reset.js';
import { captureIo, createFixture, withDb, type Fixture } from './script-fixtures.js';

const POLICY = { priorRate: 0.05, forgettingHalfLife: 0, changeDetection: false };

let fx: Fixture | undefined;
afterEach(() => fx?.cleanup());

/** Stores a (non-prior) model for each action so a reset is observable. */
function storeModels(f: Fixture, ids: string[]): void {
  withDb(f.file, (db) => {
    for (const id of ids) {
      const post = priorPosterior(POLICY, 'logistic', f.encoder.dimension);
      post.mean[1] = 0.75;
      post.observations = 12;
      putModel(db, id, f.schemaVersion, post, 5_000);
    }
  });
}

describe('reset', () => {
  it('prints usage with --help and exits 0', async () => {
    const io = captureIo();
    expect(await main(['--help'], io, {})).toBe(0);
    expect(io.out()).toContain('Usage: npm run reset');
    expect(io.out()).toContain('Examples:');
  });

  it.each([
    [['--acton', 'x'], "'--acton'"],
    [[], '--action'],
    [['--all'], '--yes'],
    [['--action', 'a', '--all', '--yes'], 'not both'],
    [['--action'], "'--action <value>' argument missing"],
    [['--action', 'a', 'extra'], "'extra'"],
    [['--action', 'a', '--db', 'x.db', '--data-dir', 'd'], '--data-dir'],
  ])('exits 2 naming the problem for %j', async (argv, expected) => {
    const io = captureIo();
    expect(await main(argv, io, {})).toBe(2);
    expect(io.err()).toContain(expected);
    expect(io.err()).toContain('--help');
  });

  it('deletes one action model and leaves the others', async () => {
    fx = createFixture();
    storeModels(fx, ['card-upgrade', 'loan-offer']);
    const io = captureIo();
    expect(await main(['--db', fx.file, '--action', 'card-upgrade'], io, {})).toBe(0);
    expect(io.out()).toContain("reset the model of 'card-upgrade'");
    withDb(fx.file, (db) => {
      expect(loadModel(db, 'card-upgrade')).toBeUndefined();
      expect(loadModel(db, 'loan-offer')?.posterior.mean[1]).toBe(0.75);
    });
  });

  it('resolves the database from --data-dir', async () => {
    fx = createFixture();
    storeModels(fx, ['card-upgrade']);
    const io = captureIo();
    expect(await main(['--data-dir', fx.dir, '--action', 'card-upgrade'], io, {})).toBe(0);
    withDb(fx.file, (db) => expect(loadModel(db, 'card-upgrade')).toBeUndefined());
  });

  it('reports an action already at its prior without failing', async () => {
    fx = createFixture();
    const io = captureIo();
    expect(await main(['--db', fx.file, '--action', 'loan-offer'], io, {})).toBe(0);
    expect(io.out()).toContain('already uses the prior');
  });

  it('deletes every model with --all --yes', async () => {
    fx = createFixture();
    storeModels(fx, ['card-upgrade', 'loan-offer']);
    const io = captureIo();
    expect(await main(['--all', '--yes'], io, { KAIROS_DATA_DIR: fx.dir })).toBe(0);
    expect(io.out()).toContain('reset 2 model(s)');
    withDb(fx.file, (db) => expect(loadModels(db)).toHaveLength(0));
  });

  it('fails with exit 1 on an unknown action and changes nothing', async () => {
    fx = createFixture();
    storeModels(fx, ['card-upgrade']);
    const io = captureIo();
    expect(await main(['--db', fx.file, '--action', 'nope'], io, {})).toBe(1);
    expect(io.err()).toContain("unknown action 'nope'");
    withDb(fx.file, (db) => expect(loadModels(db)).toHaveLength(1));
  });

  it('fails with exit 1 when the database does not exist, without creating it', async () => {
    fx = createFixture();
    const missing = join(fx.dir, 'elsewhere', 'kairos.db');
    const io = captureIo();
    expect(await main(['--db', missing, '--all', '--yes'], io, {})).toBe(1);
    expect(io.err()).toContain('no database at');
    expect(existsSync(missing)).toBe(false);
  });
});
