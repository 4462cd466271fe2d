import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/open.js';
import { getCurrentSchema, insertSchema, listActions, upsertAction } from '../../db/stores/catalog.js';
import { loadModel, loadModels, putModel } from '../../db/stores/models.js';
import { setAppliedSeq, getAppliedSeq } from '../../db/stores/learner-state.js';
import { cholesky } from '../../src/core/linalg.js';
import type { Posterior } from '../../src/core/types.js';
import { foldBatch, priorPosterior } from '../../src/learner/fold.js';
import { main as exportMain } from '../../scripts/snapshot-export.js';
import { main as importMain } from '../../scripts/snapshot-import.js';
import { ACTIONS, captureIo, CHANNELS, createFixture, expectSamePosterior, FEATURES, withDb, type Fixture } from './script-fixtures.js';

const POLICY = { priorRate: 0.05, forgettingHalfLife: 0, changeDetection: false };

const fixtures: Fixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});
function fixture(options?: Parameters<typeof createFixture>[0]): Fixture {
  const f = createFixture(options);
  fixtures.push(f);
  return f;
}

/**
 * A posterior learned one observation at a time (so logistic models take the rank-one Cholesky path and their
 * stored factor is not a fresh factorisation), with awkward numbers: long mantissas and a -0.
 */
function learned(likelihood: 'logistic' | 'linear', d: number, seed: number): Posterior {
  let post = priorPosterior(POLICY, likelihood, d);
  for (let i = 0; i < 9; i += 1) {
    const x = new Float64Array(d);
    x[0] = 1;
    x[1 + ((i + seed) % (d - 1))] = 1 / 3 + i / 7;
    x[1 + ((i * 5 + seed) % (d - 1))] = 1;
    const y = likelihood === 'logistic' ? (i + seed) % 3 === 0 ? 1 : 0 : Math.PI * (i - 4) + seed;
    post = foldBatch(POLICY, post, { n: 1, d, x, y: Float64Array.of(y) });
  }
  post.mean[d - 1] = -0;
  return post;
}

function seedModels(f: Fixture): Map<string, Posterior> {
  const d = f.encoder.dimension;
  const models = new Map<string, Posterior>([
    ['card-upgrade', learned('logistic', d, 1)],
    ['cashback', learned('linear', d, 2)],
  ]);
  withDb(f.file, (db) => {
    for (const [id, post] of models) putModel(db, id, f.schemaVersion, post, 3_000);
    setAppliedSeq(db, 42);
  });
  return models;
}

const catalogOf = (db: Db) => listActions(db).map(({ createdAt: _c, updatedAt: _u, ...rest }) => rest);

/** Everything import could change, to prove a refused import changed nothing. */
function dbState(file: string): string {
  return withDb(file, (db) =>
    JSON.stringify({
      schema: getCurrentSchema(db),
      actions: listActions(db),
      models: loadModels(db).map((m) => ({ ...m, posterior: { ...m.posterior, mean: Array.from(m.posterior.mean) } })),
    }),
  );
}

async function exportTo(f: Fixture, name = 'snap.json'): Promise<string> {
  const out = join(f.dir, name);
  const io = captureIo();
  expect(await exportMain(['--db', f.file, '--out', out], io, {}), io.err()).toBe(0);
  return out;
}

describe('snapshot:export / snapshot:import', () => {
  it('print usage with --help and exit 2 naming a missing option', async () => {
    for (const main of [exportMain, importMain]) {
      const help = captureIo();
      expect(await main(['--help'], help, {})).toBe(0);
      expect(help.out()).toMatch(/Usage: npm run snapshot:(export|import)/);
    }
    const io = captureIo();
    expect(await exportMain([], io, {})).toBe(2);
    expect(io.err()).toContain('--out');
    const io2 = captureIo();
    expect(await importMain(['--in'], io2, {})).toBe(2);
    expect(io2.err()).toContain("'--in <value>' argument missing");
  });

  it('round-trips into a fresh database: same catalog and schema, bit-identical posteriors', async () => {
    const src = fixture();
    const models = seedModels(src);
    const snap = await exportTo(src);
    const doc = JSON.parse(readFileSync(snap, 'utf8'));
    expect(doc).toMatchObject({ format: 'kairos-snapshot', formatVersion: 2, appliedSeq: 42, channels: [], contactPolicy: { suppression: [], thresholds: {} } });
    expect(doc.models).toHaveLength(2);

    const dst = fixture({ actions: [], schema: false });
    const io = captureIo();
    expect(await importMain(['--db', dst.file, '--in', snap], io, {}), io.err()).toBe(0);
    withDb(dst.file, (db) => {
      expect(catalogOf(db)).toEqual(withDb(src.file, catalogOf));
      const schema = getCurrentSchema(db)!;
      expect(schema).toMatchObject({ features: FEATURES, channels: CHANNELS, dimension: src.encoder.dimension });
      // The cursor counts the source's feedback log; it must not be carried over.
      expect(getAppliedSeq(db)).toBe(0);
      for (const [id, original] of models) {
        const imported = loadModel(db, id)!;
        expect(imported.schemaVersion).toBe(schema.version);
        expectSamePosterior(imported.posterior, original, { chol: false });
        expect(Object.is(imported.posterior.mean[src.encoder.dimension - 1], -0)).toBe(true);
        // cholPrecision is recomputed: exactly the factor of the imported precision, and the stored factor up to rounding.
        const fresh = new Float64Array(original.d * original.d);
        expect(cholesky(original.precision, original.d, fresh)).toBe(true);
        expect(Array.from(imported.posterior.cholPrecision)).toEqual(Array.from(fresh));
        original.cholPrecision.forEach((v, k) => expect(imported.posterior.cholPrecision[k]).toBeCloseTo(v, 12));
      }
      expect(loadModel(db, 'loan-offer')).toBeUndefined();
    });

    // Exporting the imported database gives the same models again.
    const again = JSON.parse(readFileSync(await exportTo(dst, 'again.json'), 'utf8'));
    expect(again.models.map((m: { schemaVersion: number }) => ({ ...m, schemaVersion: 0 }))).toEqual(
      doc.models.map((m: { schemaVersion: number }) => ({ ...m, schemaVersion: 0 })),
    );
  });

  it('leaves out models learned under an older schema and says so', async () => {
    const src = fixture();
    seedModels(src);
    withDb(src.file, (db) => {
      const v2 = insertSchema(db, FEATURES, CHANNELS, src.encoder.dimension, 4_000).version;
      putModel(db, 'loan-offer', v2, learned('logistic', src.encoder.dimension, 3), 5_000);
    });
    const out = join(src.dir, 'snap.json');
    const io = captureIo();
    expect(await exportMain(['--db', src.file, '--out', out], io, {})).toBe(0);
    expect(io.err()).toContain("left out the model of 'card-upgrade': learned under schema version 1");
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.schema.version).toBe(2);
    expect(doc.models.map((m: { actionId: string }) => m.actionId)).toEqual(['loan-offer']);
  });

  it('writes to stdout with --out -', async () => {
    const src = fixture();
    seedModels(src);
    const io = captureIo();
    expect(await exportMain(['--db', src.file, '--out', '-'], io, {})).toBe(0);
    expect(JSON.parse(io.out()).actions).toHaveLength(ACTIONS.length);
  });

  it('requires --yes to replace a non-empty catalog, then imports as a new schema version', async () => {
    const src = fixture();
    const models = seedModels(src);
    const snap = await exportTo(src);
    const dst = fixture({ actions: [{ ...ACTIONS[1]!, name: 'Old loan' }, { ...ACTIONS[0]!, id: 'legacy' }] });
    const before = dbState(dst.file);

    const io = captureIo();
    expect(await importMain(['--db', dst.file, '--in', snap], io, {})).toBe(1);
    expect(io.err()).toContain('--yes');
    expect(dbState(dst.file)).toBe(before);

    const io2 = captureIo();
    expect(await importMain(['--db', dst.file, '--in', snap, '--yes'], io2, {}), io2.err()).toBe(0);
    expect(io2.out()).toContain('kept and restart from the prior: legacy');
    withDb(dst.file, (db) => {
      expect(getCurrentSchema(db)!.version).toBe(dst.schemaVersion + 1);
      expect(listActions(db).find((a) => a.id === 'loan-offer')!.name).toBe('Loan offer');
      expectSamePosterior(loadModel(db, 'card-upgrade')!.posterior, models.get('card-upgrade')!, { chol: false });
    });
  });

  it.each([
    ['truncated JSON', (text: string) => text.slice(0, text.length / 2), 'not valid JSON'],
    ['another format', (text: string) => text.replace('"kairos-snapshot"', '"other"'), 'format:'],
    ['a newer format version', (text: string) => text.replace('"formatVersion": 2', '"formatVersion": 3'), 'formatVersion: is 3'],
    ['a model of the wrong dimension', (text: string) => mutateModel(text, (m) => ({ ...m, d: m.d - 1 })), 'models.0.d'],
    ['a short mean', (text: string) => mutateModel(text, (m) => ({ ...m, mean: m.mean.slice(1) })), 'models.0.mean'],
    ['a non-number in precision', (text: string) => mutateModel(text, (m) => ({ ...m, precision: [null, ...m.precision.slice(1)] })), 'models.0.precision.0'],
    ['an indefinite precision', (text: string) => mutateModel(text, (m) => ({ ...m, precision: negateFirstDiagonal(m.precision) })), 'not positive definite'],
    ['an asymmetric precision', (text: string) => mutateModel(text, (m) => ({ ...m, precision: skew(m.precision, m.d) })), 'not symmetric'],
    ['a model of an unknown action', (text: string) => mutateModel(text, (m) => ({ ...m, actionId: 'ghost' })), 'models.0.actionId'],
    ['a bad category', (text: string) => mutateDoc(text, (doc) => void (doc.actions[0].category = 'spam')), 'actions.0.category'],
    ['a wrong schema dimension', (text: string) => mutateDoc(text, (doc) => void (doc.schema.dimension += 1)), 'schema.dimension'],
  ])('refuses %s and changes nothing', async (_name, corrupt, message) => {
    const src = fixture();
    seedModels(src);
    const snap = await exportTo(src);
    writeFileSync(snap, corrupt(readFileSync(snap, 'utf8')));
    const dst = fixture();
    withDb(dst.file, (db) => {
      putModel(db, 'loan-offer', dst.schemaVersion, learned('logistic', dst.encoder.dimension, 5), 3_000);
      upsertAction(db, { ...ACTIONS[0]!, id: 'legacy' }, 3_000);
    });
    const before = dbState(dst.file);
    const io = captureIo();
    expect(await importMain(['--db', dst.file, '--in', snap, '--yes'], io, {})).toBe(1);
    expect(io.err()).toContain(message);
    expect(io.err()).toContain('nothing was changed');
    expect(dbState(dst.file)).toBe(before);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function mutateDoc(text: string, fn: (doc: Json) => void): string {
  const doc = JSON.parse(text);
  fn(doc);
  return JSON.stringify(doc);
}

function mutateModel(text: string, fn: (model: Json) => Json): string {
  return mutateDoc(text, (doc) => {
    doc.models[0] = fn(doc.models[0]);
  });
}

function negateFirstDiagonal(precision: number[]): number[] {
  const out = [...precision];
  out[0] = -Math.abs(out[0]!);
  return out;
}

function skew(precision: number[], d: number): number[] {
  const out = [...precision];
  out[1] = out[1]! + 0.5; // (0,1) changes, (1,0) does not
  expect(d).toBeGreaterThan(1);
  return out;
}

describe('snapshot with a contact-history schema', () => {
  it('carries the contactHistory window through export and import', async () => {
    const src = fixture({ schema: false });
    const window = { window: '30d' };
    withDb(src.file, (db) => insertSchema(db, FEATURES, CHANNELS, src.encoder.dimension + 2, 1_000, window));
    const snap = await exportTo(src);
    expect(JSON.parse(readFileSync(snap, 'utf8')).schema).toMatchObject({ contactHistory: window, dimension: src.encoder.dimension + 2 });
    const dst = fixture({ actions: [], schema: false });
    const io = captureIo();
    expect(await importMain(['--db', dst.file, '--in', snap], io, {}), io.err()).toBe(0);
    withDb(dst.file, (db) => expect(getCurrentSchema(db)).toMatchObject({ features: FEATURES, channels: CHANNELS, contactHistory: window, dimension: src.encoder.dimension + 2 }));
  });
});
