/**
 * The in-memory view the decision path reads: the catalog, the current feature schema with its compiled
 * encoder, and one posterior per action. It is rebuilt from SQLite at start and whenever another process
 * (an ops script) commits; the learner swaps in new posteriors after each committed batch.
 */
import { compileEncoder, type Encoder } from '../core/encoding.js';
import { inverseFromCholesky } from '../core/linalg.js';
import type { Posterior } from '../core/types.js';
import { isFinitePosterior } from '../core/update.js';
import type { Db } from '../../db/open.js';
import { listActions, getCurrentSchema, insertSchema, type ActionRecord, type SchemaRecord } from '../../db/stores/catalog.js';
import { loadModels } from '../../db/stores/models.js';
import { priorPosterior, type LearningPolicy } from '../learner/fold.js';
import { createSqliteChannelStore } from '../../db/stores/channels.js';
import { createSqliteContactPolicyStore } from '../../db/stores/contact-policy.js';
import { createPolicyCache, type PolicyCache } from '../policies/policy-cache.js';

export interface ModelEntry {
  actionId: string;
  schemaVersion: number;
  posterior: Posterior;
  /** Stored version; 0 while the model is the untouched prior and has no row yet. */
  version: number;
  updatedAt: number | null;
  /**
   * Λ⁻¹ of the posterior, computed on first use after the entry is installed (O(d³) once) so that decisions score
   * sparse contexts in O(nnz²). Entries are immutable snapshots, so the cache never goes stale.
   */
  covariance?: Float64Array;
}

/** The entry's covariance, computed and cached on the entry at first use. */
export function covarianceOf(entry: ModelEntry): Float64Array {
  if (!entry.covariance) {
    const { d, cholPrecision } = entry.posterior;
    const cov = new Float64Array(d * d);
    inverseFromCholesky(cholPrecision, d, cov);
    entry.covariance = cov;
  }
  return entry.covariance;
}

export interface EngineState {
  readonly policy: LearningPolicy;
  schema(): SchemaRecord;
  encoder(): Encoder;
  actions(): readonly ActionRecord[];
  action(actionId: string): ActionRecord | undefined;
  /** The action's current model; the prior when it has none for the current schema. */
  model(actionId: string): ModelEntry;
  /** Channels, the contact policy and the compiled eligibility rules (src/policies), reloaded with the catalog. */
  readonly policies: PolicyCache;
  /** Re-reads catalog, schema, models and policies from the database. */
  reload(): void;
  /** Installs posteriors that were just committed. */
  swapModels(entries: readonly ModelEntry[]): void;
}

/** Ensures a schema exists (an empty one over no channels when the database is new) and returns it. */
export function ensureSchema(db: Db, nowMs: number): SchemaRecord {
  const current = getCurrentSchema(db);
  if (current) return current;
  const encoder = compileEncoder({ features: [], channels: [] });
  return insertSchema(db, [], [], encoder.dimension, nowMs);
}

/**
 * `onNonFinite` hears of every stored model that is not finite (written before the core guarded its updates); such a
 * model is replaced in memory by the prior, keeping its stored version so the learner's next write replaces the row.
 */
export function createEngineState(db: Db, policy: LearningPolicy, onNonFinite?: (actionId: string) => void): EngineState {
  let schema: SchemaRecord = ensureSchema(db, Date.now());
  let encoder: Encoder = compileEncoder({ features: schema.features, channels: schema.channels, contactHistory: schema.contactHistory });
  let actionList: ActionRecord[] = [];
  let actionById = new Map<string, ActionRecord>();
  let models = new Map<string, ModelEntry>();
  const policies = createPolicyCache({ channels: createSqliteChannelStore(db), contactPolicy: createSqliteContactPolicyStore(db) });

  const reload = (): void => {
    const nextSchema = getCurrentSchema(db) ?? schema;
    if (nextSchema.version !== schema.version || encoder.dimension !== nextSchema.dimension) {
      encoder = compileEncoder({ features: nextSchema.features, channels: nextSchema.channels, contactHistory: nextSchema.contactHistory });
    }
    schema = nextSchema;
    actionList = listActions(db);
    actionById = new Map(actionList.map((a) => [a.id, a]));
    policies.reloadPolicies();
    policies.compileRules(actionList);
    const next = new Map<string, ModelEntry>();
    for (const rec of loadModels(db)) {
      const finite = isFinitePosterior(rec.posterior);
      if (!finite) onNonFinite?.(rec.actionId);
      next.set(rec.actionId, {
        actionId: rec.actionId,
        schemaVersion: rec.schemaVersion,
        posterior: finite ? rec.posterior : priorPosterior(policy, rec.posterior.likelihood, rec.posterior.d),
        version: rec.version,
        updatedAt: finite ? rec.updatedAt : null,
      });
    }
    models = next;
  };
  reload();

  const model = (actionId: string): ModelEntry => {
    const action = actionById.get(actionId);
    const likelihood = action?.likelihood ?? 'logistic';
    const entry = models.get(actionId);
    if (
      entry &&
      entry.schemaVersion === schema.version &&
      entry.posterior.likelihood === likelihood &&
      entry.posterior.d === encoder.dimension
    ) {
      return entry;
    }
    // A model for another schema or likelihood is stale: the action starts again from the prior. Keep the
    // stored version so the learner's optimistic write replaces the stale row instead of conflicting with it.
    const prior: ModelEntry = {
      actionId,
      schemaVersion: schema.version,
      posterior: priorPosterior(policy, likelihood, encoder.dimension),
      version: entry?.version ?? 0,
      updatedAt: null,
    };
    models.set(actionId, prior);
    return prior;
  };

  return {
    policy,
    policies,
    schema: () => schema,
    encoder: () => encoder,
    actions: () => actionList,
    action: (actionId) => actionById.get(actionId),
    model,
    reload,
    swapModels(entries) {
      for (const entry of entries) models.set(entry.actionId, entry);
    },
  };
}
