/** The action catalog and the versioned feature schema. Timestamps are Unix milliseconds. */
import { asc, desc, eq, sql } from 'drizzle-orm';
import { clearAllPredictionBins } from './prediction-bins.js';
import type { ContactHistorySpec, FeatureSpec } from '../../src/core/encoding.js';
import type { Likelihood } from '../../src/core/types.js';
import { transaction, type Db } from '../open.js';
import { actions } from '../schema/actions.js';
import { featureSchemas } from '../schema/feature-schemas.js';

/** The engagement policies of an action (DESIGN.md §8.3); null = none. Unix ms. */
export interface EngagementPolicy {
  /** CEL source, compiled when the catalog is loaded (src/policies/policy-cache.ts). */
  eligibility: string | null;
  startAt: number | null;
  endAt: number | null;
  dailyCap: number | null;
  mandatory: boolean;
}

export interface ActionRecord extends EngagementPolicy {
  id: string;
  name: string;
  category: string;
  value: number;
  lever: number;
  /** Channels where the action may be shown; empty = every channel. */
  channels: string[];
  active: boolean;
  likelihood: Likelihood;
  createdAt: number;
  updatedAt: number;
}


/** What upsertAction writes: omitted engagement policies are none (a PUT replaces every field). */
export type ActionUpsert = Omit<ActionRecord, 'createdAt' | 'updatedAt' | keyof EngagementPolicy> & Partial<EngagementPolicy>;

export interface SchemaRecord {
  version: number;
  features: FeatureSpec[];
  channels: string[];
  /** The contact-history option (two slots after the channel block); absent = none. */
  contactHistory?: ContactHistorySpec;
  dimension: number;
  createdAt: number;
}

/**
 * The contact-history option is kept in the `features` JSON as one trailing entry of this type, so no migration is
 * needed: the store adds it on write and takes it off on read, and nothing above the store ever sees it.
 */
const HISTORY_ENTRY = 'contact-history';
type StoredFeature = FeatureSpec | { type: typeof HISTORY_ENTRY; window: string };

type ActionRow = typeof actions.$inferSelect;
type SchemaRow = typeof featureSchemas.$inferSelect;

const toAction = (row: ActionRow): ActionRecord => ({
  id: row.id,
  name: row.name,
  category: row.category,
  value: row.value,
  lever: row.lever,
  channels: row.channels,
  active: row.active,
  likelihood: row.likelihood,
  eligibility: row.eligibility,
  startAt: row.startAt,
  endAt: row.endAt,
  dailyCap: row.dailyCap,
  mandatory: row.mandatory,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

const toSchema = (row: SchemaRow): SchemaRecord => {
  const stored = row.features as StoredFeature[];
  const history = stored.find((f) => f.type === HISTORY_ENTRY) as { window: string } | undefined;
  return {
    version: row.version,
    features: stored.filter((f): f is FeatureSpec => f.type !== HISTORY_ENTRY),
    channels: row.channels,
    ...(history ? { contactHistory: { window: history.window } } : {}),
    dimension: row.dimension,
    createdAt: row.createdAt,
  };
};

/** Every action, oldest first (ties by id), active or not. */
export function listActions(db: Db): ActionRecord[] {
  return db.orm.select().from(actions).orderBy(asc(actions.createdAt), asc(actions.id)).all().map(toAction);
}

export function getAction(db: Db, id: string): ActionRecord | undefined {
  const row = db.orm.select().from(actions).where(eq(actions.id, id)).get();
  return row ? toAction(row) : undefined;
}

/**
 * Creates the action or replaces every field of the existing one; `createdAt` is kept on update and
 * `updatedAt` = nowMs. `created` says which happened.
 */
export function upsertAction(
  db: Db,
  input: ActionUpsert,
  nowMs: number,
): { record: ActionRecord; created: boolean } {
  return transaction(db, () => {
    const existing = getAction(db, input.id);
    const fields = {
      name: input.name,
      category: input.category,
      value: input.value,
      lever: input.lever,
      channels: [...input.channels],
      active: input.active,
      likelihood: input.likelihood,
      eligibility: input.eligibility ?? null,
      startAt: input.startAt ?? null,
      endAt: input.endAt ?? null,
      dailyCap: input.dailyCap ?? null,
      mandatory: input.mandatory ?? false,
      updatedAt: nowMs,
    };
    if (existing) {
      db.orm.update(actions).set(fields).where(eq(actions.id, input.id)).run();
      return { record: { id: input.id, ...fields, createdAt: existing.createdAt }, created: false };
    }
    db.orm.insert(actions).values({ id: input.id, ...fields, createdAt: nowMs }).run();
    return { record: { id: input.id, ...fields, createdAt: nowMs }, created: true };
  });
}

/** The schema with the highest version, or undefined on a new database. */
export function getCurrentSchema(db: Db): SchemaRecord | undefined {
  const row = db.orm.select().from(featureSchemas).orderBy(desc(featureSchemas.version)).limit(1).get();
  return row ? toSchema(row) : undefined;
}

/** Appends a schema as version max+1 (1 on a new database). Earlier versions stay: decisions refer to them. */
export function insertSchema(
  db: Db,
  features: FeatureSpec[],
  channels: string[],
  dimension: number,
  nowMs: number,
  contactHistory?: ContactHistorySpec,
): SchemaRecord {
  return transaction(db, () => {
    const top = db.orm
      .select({ version: sql<number>`coalesce(max(${featureSchemas.version}), 0)` })
      .from(featureSchemas)
      .get();
    const record: SchemaRecord = {
      version: (top?.version ?? 0) + 1,
      features: structuredClone(features),
      channels: [...channels],
      ...(contactHistory ? { contactHistory: { window: contactHistory.window } } : {}),
      dimension,
      createdAt: nowMs,
    };
    const stored: StoredFeature[] = contactHistory ? [...record.features, { type: HISTORY_ENTRY, window: contactHistory.window }] : record.features;
    db.orm
      .insert(featureSchemas)
      .values({ version: record.version, features: stored as FeatureSpec[], channels: record.channels, dimension, createdAt: nowMs })
      .run();
    // Every model restarts from its prior under the new schema: the old models' prequential scores are not theirs.
    clearAllPredictionBins(db);
    return record;
  });
}
