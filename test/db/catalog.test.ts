import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeatureSpec } from '../../src/core/encoding.js';
import { getAction, getCurrentSchema, insertSchema, listActions, upsertAction } from '../../db/stores/catalog.js';
import { openDb } from '../../db/open.js';
import { openTempDb, type TempDb } from './temp-db.js';

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

const offer = {
  id: 'card-upgrade',
  name: 'Card upgrade',
  category: 'sales',
  value: 120.5,
  lever: 1.5,
  channels: ['app', 'web'],
  active: true,
  likelihood: 'logistic' as const,
};

/** What an action written without engagement policies holds (DESIGN.md §8.3). */
const NO_POLICIES = { eligibility: null, startAt: null, endAt: null, dailyCap: null, mandatory: false };

describe('actions', () => {
  it('creates, reads back every field, and lists', () => {
    const { record, created } = upsertAction(t.db, offer, 1_000);
    expect(created).toBe(true);
    expect(record).toEqual({ ...offer, ...NO_POLICIES, createdAt: 1_000, updatedAt: 1_000 });
    expect(getAction(t.db, 'card-upgrade')).toEqual(record);
    expect(listActions(t.db)).toEqual([record]);
    expect(getAction(t.db, 'nope')).toBeUndefined();
  });

  it('updates every field, keeps createdAt, and moves updatedAt', () => {
    upsertAction(t.db, offer, 1_000);
    const change = { ...offer, name: 'Gold card', category: 'retention', value: 0, lever: 2, channels: [], active: false, likelihood: 'linear' as const };
    const { record, created } = upsertAction(t.db, change, 2_000);
    expect(created).toBe(false);
    expect(record).toEqual({ ...change, ...NO_POLICIES, createdAt: 1_000, updatedAt: 2_000 });
    expect(getAction(t.db, offer.id)).toEqual(record);
    expect(listActions(t.db)).toHaveLength(1);
  });

  it('stores the engagement policies, and a later write without them clears them', () => {
    const policies = { eligibility: 'customer.age >= 18', startAt: 1_000, endAt: 9_000, dailyCap: 50, mandatory: true };
    const { record } = upsertAction(t.db, { ...offer, ...policies }, 1_000);
    expect(record).toMatchObject(policies);
    expect(getAction(t.db, offer.id)).toEqual(record);
    upsertAction(t.db, offer, 2_000);
    expect(getAction(t.db, offer.id)).toMatchObject(NO_POLICIES);
  });

  it('lists by creation time, then id', () => {
    upsertAction(t.db, { ...offer, id: 'b' }, 20);
    upsertAction(t.db, { ...offer, id: 'c' }, 10);
    upsertAction(t.db, { ...offer, id: 'a' }, 20);
    upsertAction(t.db, { ...offer, id: 'c', name: 'updated later' }, 99);
    expect(listActions(t.db).map((a) => a.id)).toEqual(['c', 'a', 'b']);
  });

  it('does not share the caller’s channel array', () => {
    const channels = ['app'];
    const { record } = upsertAction(t.db, { ...offer, channels }, 1);
    channels.push('web');
    expect(record.channels).toEqual(['app']);
    expect(getAction(t.db, offer.id)!.channels).toEqual(['app']);
  });
});

describe('feature schemas', () => {
  const features: FeatureSpec[] = [
    { name: 'age', type: 'numeric', min: 18, max: 98 },
    { name: 'segment', type: 'categorical', values: ['mass', 'affluent'] },
    { name: 'products', type: 'set', values: ['card'] },
    { name: 'vip', type: 'boolean' },
  ];

  it('is undefined on a new database', () => {
    expect(getCurrentSchema(t.db)).toBeUndefined();
  });

  it('numbers versions from 1 and returns the highest as current', () => {
    const v1 = insertSchema(t.db, [], [], 1, 100);
    expect(v1).toEqual({ version: 1, features: [], channels: [], dimension: 1, createdAt: 100 });
    const v2 = insertSchema(t.db, features, ['app', 'web'], 12, 200);
    expect(v2.version).toBe(2);
    expect(getCurrentSchema(t.db)).toEqual({ version: 2, features, channels: ['app', 'web'], dimension: 12, createdAt: 200 });
  });

  it('continues numbering across connections', () => {
    insertSchema(t.db, [], [], 1, 100);
    const other = openDb(t.file);
    try {
      expect(insertSchema(other, features, [], 9, 200).version).toBe(2);
    } finally {
      other.close();
    }
    expect(getCurrentSchema(t.db)!.version).toBe(2);
  });
});
