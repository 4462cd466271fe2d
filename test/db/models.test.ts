import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Likelihood, Posterior } from '../../src/core/types.js';
import { upsertAction } from '../../db/stores/catalog.js';
import { blobToFloat64, float64ToBlob } from '../../db/stores/float64-blob.js';
import { deleteAllModels, deleteModel, loadModel, loadModels, putModel, saveModel } from '../../db/stores/models.js';
import { openTempDb, type TempDb } from './temp-db.js';

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
  for (const id of ['a', 'b', 'c']) {
    upsertAction(t.db, { id, name: id, category: 'sales', value: 1, lever: 1, channels: [], active: true, likelihood: 'logistic' }, 1);
  }
});
afterEach(() => t.cleanup());

/** Values chosen to catch any lossy path: -0, subnormals, extremes, inexact fractions, NaN. */
const AWKWARD = [-0, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, Math.PI, 1 / 3, -1e-300, 0.1 + 0.2, Number.NaN];

function posterior(d: number, likelihood: Likelihood, salt = 0): Posterior {
  const fill = (n: number) => Float64Array.from({ length: n }, (_, i) => AWKWARD[(i + salt) % AWKWARD.length]! * (i + 1));
  return { likelihood, d, mean: fill(d), precision: fill(d * d), cholPrecision: fill(d * d).reverse(), a: 2.5 + salt, b: 1 / 7, observations: 12.75 };
}

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectBitExact(actual: Posterior, expected: Posterior): void {
  expect({ ...actual, mean: null, precision: null, cholPrecision: null }).toEqual({ ...expected, mean: null, precision: null, cholPrecision: null });
  expect(bytes(actual.mean).equals(bytes(expected.mean))).toBe(true);
  expect(bytes(actual.precision).equals(bytes(expected.precision))).toBe(true);
  expect(bytes(actual.cholPrecision).equals(bytes(expected.cholPrecision))).toBe(true);
}

describe('float64 BLOBs', () => {
  it('round-trip bit-exactly, also from a misaligned Buffer', () => {
    const arr = Float64Array.from(AWKWARD);
    const blob = float64ToBlob(arr);
    const misaligned = Buffer.alloc(blob.length + 3).subarray(3);
    blob.copy(misaligned);
    expect(misaligned.byteOffset % 8).not.toBe(0);
    const back = blobToFloat64(misaligned, arr.length);
    expect(bytes(back).equals(bytes(arr))).toBe(true);
    expect(back.buffer).not.toBe(arr.buffer);
  });

  it('rejects a length that is not a multiple of 8 or not the expected one', () => {
    expect(() => blobToFloat64(Buffer.alloc(7))).toThrow(RangeError);
    expect(() => blobToFloat64(Buffer.alloc(16), 3)).toThrow(RangeError);
  });

  it('property: any float64 array round-trips bit-exactly', () => {
    fc.assert(
      fc.property(fc.float64Array({ maxLength: 64 }), (arr) => {
        expect(bytes(blobToFloat64(float64ToBlob(arr))).equals(bytes(arr))).toBe(true);
      }),
    );
  });
});

describe('models store', () => {
  it('round-trips a logistic and a linear posterior bit-exactly, into fresh arrays', () => {
    const p = posterior(5, 'logistic');
    const q = posterior(3, 'linear', 4);
    const saved = saveModel(t.db, 'a', 7, p, 0, 1_000);
    expect(saved).toEqual({ actionId: 'a', schemaVersion: 7, posterior: p, version: 1, updatedAt: 1_000 });
    putModel(t.db, 'b', 7, q, 2_000);
    const a = loadModel(t.db, 'a')!;
    expect(a).toMatchObject({ actionId: 'a', schemaVersion: 7, version: 1, updatedAt: 1_000 });
    expectBitExact(a.posterior, p);
    expect(a.posterior.mean.buffer).not.toBe(p.mean.buffer);
    const all = loadModels(t.db);
    expect(all.map((m) => m.actionId)).toEqual(['a', 'b']);
    expectBitExact(all[1]!.posterior, q);
    expect(loadModel(t.db, 'c')).toBeUndefined();
  });

  it('stores a posterior that is a view into a larger buffer', () => {
    const big = new Float64Array(1 + 2 + 4 + 4);
    big.set([9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const p: Posterior = {
      likelihood: 'logistic',
      d: 2,
      mean: big.subarray(1, 3),
      precision: big.subarray(3, 7),
      cholPrecision: big.subarray(7, 11),
      a: 0,
      b: 0,
      observations: 0,
    };
    putModel(t.db, 'a', 1, p, 1);
    expectBitExact(loadModel(t.db, 'a')!.posterior, p);
  });

  it('saves optimistically: insert-if-absent at version 0, then only from the stored version', () => {
    const p = posterior(2, 'logistic');
    expect(saveModel(t.db, 'a', 1, p, 0, 1)!.version).toBe(1);
    expect(saveModel(t.db, 'a', 1, posterior(2, 'logistic', 1), 0, 2)).toBeNull();
    expect(saveModel(t.db, 'a', 1, p, 2, 3)).toBeNull();
    const q = posterior(2, 'logistic', 2);
    expect(saveModel(t.db, 'a', 2, q, 1, 4)).toMatchObject({ version: 2, schemaVersion: 2, updatedAt: 4 });
    expect(saveModel(t.db, 'a', 2, p, 1, 5)).toBeNull();
    const stored = loadModel(t.db, 'a')!;
    expect(stored).toMatchObject({ version: 2, schemaVersion: 2, updatedAt: 4 });
    expectBitExact(stored.posterior, q);
    expect(saveModel(t.db, 'b', 1, p, 3, 6)).toBeNull();
    expect(loadModel(t.db, 'b')).toBeUndefined();
  });

  it('a script’s putModel between the learner’s read and write makes the learner’s save conflict', () => {
    saveModel(t.db, 'a', 1, posterior(2, 'logistic'), 0, 1);
    const learnerRead = loadModel(t.db, 'a')!;
    const reset = putModel(t.db, 'a', 1, posterior(2, 'logistic', 3), 2);
    expect(reset.version).toBe(2);
    expect(saveModel(t.db, 'a', 1, posterior(2, 'logistic', 5), learnerRead.version, 3)).toBeNull();
    expectBitExact(loadModel(t.db, 'a')!.posterior, posterior(2, 'logistic', 3));
  });

  it('putModel writes unconditionally and increments the version', () => {
    expect(putModel(t.db, 'a', 1, posterior(2, 'linear'), 1).version).toBe(1);
    expect(putModel(t.db, 'a', 1, posterior(3, 'linear'), 2).version).toBe(2);
    expect(loadModel(t.db, 'a')!.posterior.d).toBe(3);
  });

  it('rejects arrays that do not match d', () => {
    const bad = { ...posterior(3, 'logistic'), d: 2 };
    expect(() => putModel(t.db, 'a', 1, bad, 1)).toThrow(RangeError);
  });

  it('deletes one or all models', () => {
    putModel(t.db, 'a', 1, posterior(2, 'logistic'), 1);
    putModel(t.db, 'b', 1, posterior(2, 'logistic'), 1);
    putModel(t.db, 'c', 1, posterior(2, 'logistic'), 1);
    expect(deleteModel(t.db, 'a')).toBe(true);
    expect(deleteModel(t.db, 'a')).toBe(false);
    expect(deleteAllModels(t.db)).toBe(2);
    expect(loadModels(t.db)).toEqual([]);
  });

  it('refuses a model for an action that does not exist (foreign key)', () => {
    expect(() => putModel(t.db, 'ghost', 1, posterior(2, 'logistic'), 1)).toThrow(/FOREIGN KEY/);
  });
});
