/**
 * The decision log: each decision with its encoded context and the actions it chose. Written in batches by the
 * decision service (one transaction per flush); read back when feedback arrives; closed by the expirer, which
 * turns every still-unanswered action into an implicit 'ignore'.
 */
import type { ActivationResult } from '../../src/decisions/decision-store.js';
import { transaction, type Db } from '../open.js';
import { perDb } from './statement-cache.js';
import { blobToFloat64, float64ToBlob } from './float64-blob.js';

export interface DecisionActionRecord {
  actionId: string;
  /** 0 = the top choice. */
  slot: number;
  propensity: number;
  sampledPropensity: number;
  priority: number;
  probability: number;
  /** The action's category when decided (written to its contact row). Default '' when the writer does not know it. */
  category?: string;
  /** This customer's recent ignores of this action at decision time (decision_actions.recent_ignores); default 0. */
  recentIgnores?: number;
}

export interface DecisionRecord {
  id: string;
  /** Unix ms. */
  createdAt: number;
  customerId: string | null;
  channel: string;
  schemaVersion: number;
  /** The encoded context (length = the schema version's dimension). */
  x: Float64Array;
  /** Seed of the decision's RNG, as a decimal string. */
  seed: string;
  status: 'pending' | 'closed';
  /** Chosen actions, by slot. */
  actions: DecisionActionRecord[];
  /**
   * Deferred activation (DESIGN.md §8.5): false = decided but not yet shown, so no contact and nothing learned until
   * it is activated. Default true.
   */
  activated?: boolean;
  /** Default 'policy'. */
  group?: 'policy' | 'control';
  /** Why nothing was offered (a NoActionReason) when `actions` is empty; default ''. */
  noActionReason?: string;
  /**
   * Off-policy evaluation (DESIGN.md §9.2). The logged policy's probability of offering nothing (null or absent: not
   * computed), how the probabilities were computed, and the Monte Carlo draws behind them.
   */
  noActionProbability?: number | null;
  probabilityMethod?: 'exact' | 'monte-carlo' | 'off';
  probabilityDraws?: number;
  /** The ids of the candidates that passed every policy (any order; stored sorted and interned in candidate_sets). */
  candidates?: readonly string[];
}

interface DecisionRow {
  id: string;
  created_at: number;
  customer_id: string | null;
  channel: string;
  schema_version: number;
  x: Buffer;
  seed: string;
  status: 'pending' | 'closed';
  activated: number;
  group: 'policy' | 'control';
  offered: number;
  category: string;
  no_action_reason: string;
  responses: number;
  value: number;
  no_action_probability: number | null;
  probability_method: 'exact' | 'monte-carlo' | 'off' | null;
  probability_draws: number | null;
  candidates: string | null;
}

interface DecisionActionRow {
  action_id: string;
  slot: number;
  propensity: number;
  sampled_propensity: number;
  priority: number;
  probability: number;
  recent_ignores: number;
}

function prepare(db: Db) {
  const s = db.sqlite;
  return {
    insertDecision: s.prepare<
      [string, number, string | null, string, number, Buffer, string, string, number, string, number, string, string, number | null, string | null, number | null, number | null]
    >(
      `INSERT INTO decisions (id, created_at, customer_id, channel, schema_version, x, seed, status, activated, "group",
         offered, category, no_action_reason, no_action_probability, probability_method, probability_draws, candidate_set)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    internCandidates: s.prepare<[string]>('INSERT INTO candidate_sets (actions) VALUES (?) ON CONFLICT (actions) DO NOTHING'),
    candidateSetId: s.prepare<[string], { id: number }>('SELECT id FROM candidate_sets WHERE actions = ?'),
    // candidate_sets ids by key: `committed` holds ids known to be on disk; `fresh` those interned by the write in
    // progress, promoted when it commits and dropped when it fails (a rolled-back id must never be reused).
    sets: { committed: new Map<string, number>(), fresh: new Map<string, number>() },
    insertAction: s.prepare<[string, string, number, number, number, number, number, number]>(
      `INSERT INTO decision_actions (decision_id, action_id, slot, propensity, sampled_propensity, priority, probability, recent_ignores)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertContact: s.prepare<[string, string, string, string, string, number]>(
      `INSERT INTO contacts (decision_id, action_id, customer_id, channel, category, at) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    decision: s.prepare<[string], DecisionRow>(
      `SELECT d.id, d.created_at, d.customer_id, d.channel, d.schema_version, d.x, d.seed, d.status, d.activated, d."group",
         d.offered, d.category, d.no_action_reason, d.responses, d.value, d.no_action_probability, d.probability_method,
         d.probability_draws, c.actions AS candidates
       FROM decisions d LEFT JOIN candidate_sets c ON c.id = d.candidate_set WHERE d.id = ?`,
    ),
    actions: s.prepare<[string], DecisionActionRow>(
      `SELECT action_id, slot, propensity, sampled_propensity, priority, probability, recent_ignores
       FROM decision_actions WHERE decision_id = ? ORDER BY slot`,
    ),
    due: s.prepare<[number, number, number], { id: string; activated: number }>(
      // A late-activated decision's window runs from its activation (activated_at ≥ created_at, so the index range
      // on created_at still bounds the scan).
      `SELECT id, activated FROM decisions WHERE status = 'pending' AND created_at < ? AND coalesce(activated_at, created_at) < ?
       ORDER BY created_at, id LIMIT ?`,
    ),
    // One implicit ignore per chosen action that has no outcome yet; the UNIQUE(decision_id, action_id) index
    // makes an existing outcome (from the client) win.
    timeoutIgnores: s.prepare<[number, string]>(
      `INSERT INTO feedback (decision_id, action_id, outcome, reward, created_at, source)
       SELECT decision_id, action_id, 'ignore', NULL, ?, 'timeout' FROM decision_actions
       WHERE decision_id = ? ORDER BY slot
       ON CONFLICT (decision_id, action_id) DO NOTHING`,
    ),
    close: s.prepare<[string]>(`UPDATE decisions SET status = 'closed' WHERE id = ? AND status = 'pending'`),
    activation: s.prepare<[string], { activated: number; status: 'pending' | 'closed'; actions: number }>(
      `SELECT activated, status, (SELECT count(*) FROM decision_actions da WHERE da.decision_id = d.id) AS actions
       FROM decisions d WHERE id = ?`,
    ),
    // The category is the action's at activation (decision_actions does not keep it); '' when it was deleted.
    activationContacts: s.prepare<[number, string]>(
      `INSERT INTO contacts (decision_id, action_id, customer_id, channel, category, at)
       SELECT d.id, da.action_id, d.customer_id, d.channel, coalesce(a.category, ''), ?
       FROM decisions d JOIN decision_actions da ON da.decision_id = d.id LEFT JOIN actions a ON a.id = da.action_id
       WHERE d.id = ? AND d.customer_id IS NOT NULL
       ON CONFLICT (decision_id, action_id) DO NOTHING`,
    ),
    markActivated: s.prepare<[number, string]>('UPDATE decisions SET activated = 1, activated_at = ? WHERE id = ? AND activated = 0'),
  };
}

const stmts = perDb(prepare);

type Statements = ReturnType<typeof prepare>;

/** Bound of the in-memory id cache: past it, it starts over (a catalog has far fewer distinct eligible sets). */
const MAX_CACHED_SETS = 10_000;

/**
 * The candidate_sets id of a set of action ids, interned on first use (in the caller's transaction). Known sets cost a
 * Map lookup instead of two statements with a ~1 KB key on the decision write path.
 */
function candidateSet(s: Statements, ids: readonly string[]): number {
  const key = [...ids].sort().join('\n');
  const known = s.sets.committed.get(key) ?? s.sets.fresh.get(key);
  if (known !== undefined) return known;
  s.internCandidates.run(key);
  const id = s.candidateSetId.get(key)!.id;
  s.sets.fresh.set(key, id);
  return id;
}

/** After a commit: the sets it interned are on disk. */
function promoteSets(s: Statements): void {
  const { committed, fresh } = s.sets;
  if (fresh.size === 0) return;
  if (committed.size + fresh.size > MAX_CACHED_SETS) committed.clear();
  for (const [key, id] of fresh) committed.set(key, id);
  fresh.clear();
}

function insertOne(s: Statements, r: DecisionRecord): void {
  const activated = r.activated ?? true;
  const top = r.actions.find((a) => a.slot === 0) ?? r.actions[0];
  s.insertDecision.run(
    r.id,
    r.createdAt,
    r.customerId,
    r.channel,
    r.schemaVersion,
    float64ToBlob(r.x),
    r.seed,
    r.status,
    activated ? 1 : 0,
    r.group ?? 'policy',
    r.actions.length,
    top?.category ?? '',
    r.actions.length === 0 ? (r.noActionReason ?? '') : '',
    r.noActionProbability ?? null,
    r.probabilityMethod ?? null,
    r.probabilityDraws ?? null,
    r.candidates === undefined ? null : candidateSet(s, r.candidates),
  );
  for (const a of r.actions) {
    s.insertAction.run(r.id, a.actionId, a.slot, a.propensity, a.sampledPropensity, a.priority, a.probability, a.recentIgnores ?? 0);
  }
  // A contact is an activated decision that offered something to a known customer (DESIGN.md §8.2), written in the
  // decision's own transaction so no reader sees the decision without its contacts.
  if (activated && r.customerId !== null) {
    for (const a of r.actions) s.insertContact.run(r.id, a.actionId, r.customerId, r.channel, a.category ?? '', r.createdAt);
  }
}

/** Writes the decisions and their chosen actions in one transaction (all or none). */
export function insertDecisions(db: Db, records: readonly DecisionRecord[]): void {
  if (records.length === 0) return;
  const s = stmts(db);
  try {
    transaction(db, () => {
      for (const r of records) insertOne(s, r);
    });
  } catch (error) {
    s.sets.fresh.clear();
    throw error;
  }
  promoteSets(s);
}

/**
 * Writes a batch in one transaction where no record can take another down: the batch is tried whole first (the
 * common case); when it fails, it is rolled back and written again with each record in its own savepoint, so a
 * record that violates a constraint (a NaN propensity is bound as NULL) is rolled back alone and every other record
 * commits. Returns the error of each record that failed, by its index in `records` (empty when all committed).
 * Throws when the transaction itself cannot be taken or committed, e.g. a locked database (then nothing was
 * written).
 */
export function insertDecisionsIsolated(db: Db, records: readonly DecisionRecord[]): Map<number, Error> {
  const failures = new Map<number, Error>();
  if (records.length === 0) return failures;
  const s = stmts(db);
  try {
    insertDecisions(db, records);
    return failures;
  } catch (error) {
    // A locked database is nobody's fault in the batch and fails it whole; anything else may be one record's.
    if (isLockError(error)) throw error;
    if (records.length === 1) {
      failures.set(0, asError(error));
      return failures;
    }
  }
  const savepoint = db.sqlite.transaction((r: DecisionRecord) => insertOne(s, r));
  try {
    transaction(db, () => {
      records.forEach((r, index) => {
        try {
          savepoint(r); // nested in the outer transaction: a SAVEPOINT, released or rolled back on its own
        } catch (error) {
          // A set this record interned was rolled back with it: forget every id of this write (later ones re-read).
          s.sets.fresh.clear();
          // SQLITE_FULL, IOERR or NOMEM can roll back the whole transaction: the records after it would then each
          // commit on their own while the batch is answered 500. Fail the batch whole instead.
          if (!db.sqlite.inTransaction) throw error;
          failures.set(index, asError(error));
        }
      });
    });
  } catch (error) {
    s.sets.fresh.clear();
    throw error;
  }
  promoteSets(s);
  return failures;
}

/** SQLITE_BUSY / SQLITE_LOCKED (another connection holds the write lock past the busy timeout). */
export function isLockError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

export function getDecision(db: Db, id: string): DecisionRecord | undefined {
  const s = stmts(db);
  const row = s.decision.get(id);
  if (!row) return undefined;
  return {
    id: row.id,
    createdAt: row.created_at,
    customerId: row.customer_id,
    channel: row.channel,
    schemaVersion: row.schema_version,
    x: blobToFloat64(row.x),
    seed: row.seed,
    status: row.status,
    activated: row.activated === 1,
    group: row.group,
    ...(row.no_action_reason === '' ? {} : { noActionReason: row.no_action_reason }),
    ...(row.no_action_probability === null ? {} : { noActionProbability: row.no_action_probability }),
    ...(row.probability_method === null ? {} : { probabilityMethod: row.probability_method }),
    ...(row.probability_draws === null ? {} : { probabilityDraws: row.probability_draws }),
    ...(row.candidates === null ? {} : { candidates: row.candidates === '' ? [] : row.candidates.split('\n') }),
    actions: s.actions.all(id).map((a) => ({
      actionId: a.action_id,
      slot: a.slot,
      propensity: a.propensity,
      sampledPropensity: a.sampled_propensity,
      priority: a.priority,
      probability: a.probability,
      recentIgnores: a.recent_ignores,
    })),
  };
}

/**
 * Closes at most `limit` pending decisions created before `cutoffMs` (oldest first): each chosen action of an
 * activated decision with no outcome yet gets an 'ignore' from source 'timeout' at `nowMs`. A decision never
 * activated was never shown: it is closed with no ignore, so it is dropped from learning (DESIGN.md §8.5). One
 * transaction; returns the decisions closed. Idempotent: a closed decision is never revisited.
 */
export function expireDecisions(db: Db, cutoffMs: number, nowMs: number, limit: number): number {
  const s = stmts(db);
  return transaction(db, () => {
    let closed = 0;
    for (const { id, activated } of s.due.all(cutoffMs, cutoffMs, limit)) {
      if (activated === 1) s.timeoutIgnores.run(nowMs, id);
      closed += s.close.run(id).changes;
    }
    return closed;
  });
}

/**
 * Activates a deferred decision at `atMs` (DESIGN.md §8.5): writes its contact rows (one per offered action, when it
 * has a customer) and marks it activated, in one transaction, or within the caller's (feedback activates implicitly
 * in the transaction that records the outcome, so the contacts_outcome trigger sees the rows).
 */
export function activateDecision(db: Db, id: string, atMs: number): ActivationResult {
  const s = stmts(db);
  return transaction(db, (): ActivationResult => {
    const row = s.activation.get(id);
    if (!row) return 'unknown';
    if (row.activated === 1) return 'already';
    if (row.status === 'closed' && row.actions > 0) return 'expired';
    s.activationContacts.run(atMs, id);
    s.markActivated.run(atMs, id);
    return 'activated';
  });
}
