/**
 * Shared set-up for the ops-script tests: a temp directory with a real migrated SQLite file, a small schema and
 * catalog written through the stores, captured script I/O, and bit-exact posterior comparison.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openDb, type Db } from '../../db/open.js';
import { insertSchema, upsertAction, type ActionUpsert } from '../../db/stores/catalog.js';
import { compileEncoder, type Encoder, type FeatureSpec } from '../../src/core/encoding.js';
import type { Posterior } from '../../src/core/types.js';
import type { ScriptIo } from '../../scripts/lib/args.js';

export const FEATURES: FeatureSpec[] = [
  { name: 'age', type: 'numeric', min: 18, max: 90 },
  { name: 'segment', type: 'categorical', values: ['mass', 'affluent'] },
  { name: 'products', type: 'set', values: ['card', 'loan', 'mortgage'] },
  { name: 'digital', type: 'boolean' },
];
export const CHANNELS = ['app', 'web'];

type ActionSeed = ActionUpsert;

export const ACTIONS: ActionSeed[] = [
  { id: 'card-upgrade', name: 'Card upgrade', category: 'sales', value: 40, lever: 1, channels: [], active: true, likelihood: 'logistic' },
  { id: 'loan-offer', name: 'Loan offer', category: 'sales', value: 120, lever: 1.5, channels: ['app'], active: true, likelihood: 'logistic' },
  { id: 'cashback', name: 'Cashback', category: 'retention', value: 10, lever: 1, channels: ['web'], active: false, likelihood: 'linear' },
];

export interface Fixture {
  dir: string;
  file: string;
  encoder: Encoder;
  schemaVersion: number;
  cleanup(): void;
}

/** A fresh database with the test schema and catalog (closed again: scripts open their own connection). */
export function createFixture(options: { actions?: ActionSeed[]; schema?: boolean } = {}): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-'));
  const file = join(dir, 'kairos.db');
  const encoder = compileEncoder({ features: FEATURES, channels: CHANNELS });
  const db = openDb(file);
  let schemaVersion = 0;
  try {
    if (options.schema !== false) schemaVersion = insertSchema(db, FEATURES, CHANNELS, encoder.dimension, 1_000).version;
    for (const action of options.actions ?? ACTIONS) upsertAction(db, action, 2_000);
  } finally {
    db.close();
  }
  return { dir, file, encoder, schemaVersion, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens the fixture's database for the duration of `fn`. */
export function withDb<T>(file: string, fn: (db: Db) => T): T {
  const db = openDb(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export interface CapturedIo extends ScriptIo {
  out(): string;
  err(): string;
}

export function captureIo(): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    out: () => out,
    err: () => err,
  };
}

/** Bit-exact comparison (toEqual on plain arrays uses Object.is, so even -0 vs 0 fails). */
export function expectSamePosterior(actual: Posterior, expected: Posterior, options: { chol?: boolean } = {}): void {
  expect(actual.likelihood).toBe(expected.likelihood);
  expect(actual.d).toBe(expected.d);
  expect(Array.from(actual.mean)).toEqual(Array.from(expected.mean));
  expect(Array.from(actual.precision)).toEqual(Array.from(expected.precision));
  if (options.chol !== false) expect(Array.from(actual.cholPrecision)).toEqual(Array.from(expected.cholPrecision));
  expect(actual.a).toBe(expected.a);
  expect(actual.b).toBe(expected.b);
  expect(actual.observations).toBe(expected.observations);
}
