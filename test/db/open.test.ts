import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataVersion, openDb, transaction, type Db } from '../../db/open.js';
import { getAppliedSeq, setAppliedSeq } from '../../db/stores/learner-state.js';

const EXPECTED_TABLES = [
  'action_counts',
  'action_day_counts',
  'action_rewards',
  'actions',
  'api_keys',
  'candidate_sets',
  'channels',
  'contact_policy',
  'contacts',
  'customer_events',
  'customers',
  'decision_actions',
  'decision_counts',
  'decision_day_counts',
  'decisions',
  'evaluations',
  'feature_schemas',
  'feedback',
  'learner_state',
  'models',
  'prediction_bins',
  'pz_actions',
  'pz_event_slots',
  'pz_events',
  'pz_models',
  'pz_settings',
];

let dir: string;
const opened: Db[] = [];
const open = (file: string, options?: Parameters<typeof openDb>[1]): Db => {
  const db = openDb(file, options);
  opened.push(db);
  return db;
};

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function tables(db: Db): string[] {
  return db.sqlite
    .prepare<[], { name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name`,
    )
    .all()
    .map((r) => r.name);
}

describe('openDb', () => {
  it('creates the directory and file, applies the migrations, and sets the pragmas', () => {
    dir = mkdtempSync(join(tmpdir(), 'kairos-'));
    const file = join(dir, 'nested', 'deeper', 'kairos.db');
    const db = open(file, { busyTimeoutMs: 1234 });
    expect(existsSync(file)).toBe(true);
    expect(db.file).toBe(file);
    expect(tables(db)).toEqual(EXPECTED_TABLES);
    expect(db.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
  });

  it('honours synchronous FULL and defaults busy_timeout to 5000 ms', () => {
    dir = mkdtempSync(join(tmpdir(), 'kairos-'));
    const db = open(join(dir, 'k.db'), { synchronous: 'FULL' });
    expect(db.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('re-opening a migrated file is idempotent and keeps the data', () => {
    dir = mkdtempSync(join(tmpdir(), 'kairos-'));
    const file = join(dir, 'k.db');
    const first = open(file);
    setAppliedSeq(first, 42);
    const migrations = first.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    first.close();
    const second = open(file);
    expect(tables(second)).toEqual(EXPECTED_TABLES);
    expect(second.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get()).toEqual(migrations);
    expect(getAppliedSeq(second)).toBe(42);
    // Two live connections on the same file (service + ops script) both open cleanly.
    const third = open(file);
    expect(getAppliedSeq(third)).toBe(42);
  });

  it('close is idempotent', () => {
    dir = mkdtempSync(join(tmpdir(), 'kairos-'));
    const db = open(join(dir, 'k.db'));
    db.close();
    expect(() => db.close()).not.toThrow();
    expect(db.sqlite.open).toBe(false);
  });
});

describe('dataVersion', () => {
  it('changes after another connection commits, not after this connection commits', () => {
    dir = mkdtempSync(join(tmpdir(), 'kairos-'));
    const file = join(dir, 'k.db');
    const a = open(file);
    const b = open(file);
    const before = dataVersion(a);
    setAppliedSeq(a, 1);
    expect(dataVersion(a)).toBe(before);
    setAppliedSeq(b, 2);
    const after = dataVersion(a);
    expect(after).not.toBe(before);
    expect(dataVersion(a)).toBe(after);
    expect(getAppliedSeq(a)).toBe(2);
  });
});

describe('transaction', () => {
  it('commits on return and rolls back on throw', () => {
    dir = mkdtempSync(join(tmpdir(), 'kairos-'));
    const db = open(join(dir, 'k.db'));
    const result = transaction(db, () => {
      setAppliedSeq(db, 5);
      return 'done';
    });
    expect(result).toBe('done');
    expect(() =>
      transaction(db, () => {
        setAppliedSeq(db, 9);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(getAppliedSeq(db)).toBe(5);
  });

  it('takes the write lock up front, so another connection cannot write meanwhile', () => {
    dir = mkdtempSync(join(tmpdir(), 'kairos-'));
    const file = join(dir, 'k.db');
    const a = open(file);
    const b = open(file, { busyTimeoutMs: 0 });
    transaction(a, () => {
      // Nothing written by `a` yet, but BEGIN IMMEDIATE already holds the RESERVED lock.
      expect(() => setAppliedSeq(b, 7)).toThrow(/locked|busy/i);
    });
  });
});
