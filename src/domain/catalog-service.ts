/** The catalog: the feature schema and the actions, as the HTTP layer and the demo seeding see them. */
import {
  compileEncoder,
  sameSchema,
  validateContactHistory,
  validateFeatureSpecs,
  type ContactHistorySpec,
  type FeatureSpec,
} from '../core/encoding.js';
import { checkFeatureLimits, MAX_ACTION_LEVER, MAX_ACTION_VALUE, MAX_ACTIONS, MAX_CHANNELS } from '../core/limits.js';
import type { Db } from '../../db/open.js';
import { getAction, getCurrentSchema, insertSchema, upsertAction, type ActionRecord, type SchemaRecord } from '../../db/stores/catalog.js';
import { AppError } from '../errors.js';
import { checkEngagementPolicies, type EngagementFields } from '../policies/engagement.js';
import type { EngineState } from './engine-state.js';
import {
  CATEGORIES,
  type Action,
  type ActionInput,
  type CatalogService,
  type Category,
  type SchemaPutResult,
  type SchemaView,
} from './types.js';

export interface CatalogDeps {
  db: Db;
  state: EngineState;
  defaultLikelihood: 'logistic' | 'linear';
  /** Largest encoded dimension a schema may declare (KAIROS_MAX_DIMENSION). */
  maxDimension: number;
  now: () => number;
}

export function toAction(rec: ActionRecord): Action {
  return {
    actionId: rec.id,
    name: rec.name,
    category: rec.category as Category,
    value: rec.value,
    channels: rec.channels,
    active: rec.active,
    lever: rec.lever,
    likelihood: rec.likelihood,
    eligibility: rec.eligibility,
    startAt: rec.startAt === null ? null : new Date(rec.startAt).toISOString(),
    endAt: rec.endAt === null ? null : new Date(rec.endAt).toISOString(),
    dailyCap: rec.dailyCap,
    mandatory: rec.mandatory,
    createdAt: new Date(rec.createdAt).toISOString(),
    updatedAt: new Date(rec.updatedAt).toISOString(),
  };
}

export function toSchemaView(rec: SchemaRecord, slots: readonly string[]): SchemaView {
  return {
    version: rec.version,
    dimension: rec.dimension,
    features: rec.features,
    channels: rec.channels,
    ...(rec.contactHistory ? { contactHistory: { ...rec.contactHistory } } : {}),
    slots: [...slots],
    createdAt: new Date(rec.createdAt).toISOString(),
  };
}

/** Channels named by any action of the catalog, in first-seen order. */
function catalogChannels(actions: readonly ActionRecord[]): string[] {
  const seen = new Set<string>();
  for (const action of actions) for (const channel of action.channels) seen.add(channel);
  return [...seen];
}

function validateActionInput(input: ActionInput, state: EngineState): EngagementFields {
  const errors: { field: string; message: string }[] = [];
  if (!CATEGORIES.includes(input.category)) {
    errors.push({ field: 'category', message: `must be one of ${CATEGORIES.join(', ')}` });
  }
  if (!(input.value >= 0 && input.value <= MAX_ACTION_VALUE)) {
    errors.push({ field: 'value', message: `must be a number from 0 to ${MAX_ACTION_VALUE}` });
  }
  if (input.lever !== undefined && !(input.lever > 0 && input.lever <= MAX_ACTION_LEVER)) {
    errors.push({ field: 'lever', message: `must be a number > 0 and ≤ ${MAX_ACTION_LEVER}` });
  }
  if (input.channels !== undefined && input.channels.length > MAX_CHANNELS) {
    errors.push({ field: 'channels', message: `lists ${input.channels.length} channels; at most ${MAX_CHANNELS} are allowed` });
  }
  input.channels?.forEach((channel, i) => {
    if (channel.trim() === '') errors.push({ field: `channels.${i}`, message: 'must not be empty' });
  });
  const engagement = checkEngagementPolicies(input, state.policies, errors);
  // A rule's fault is spelled out in the detail too: its position is what the author needs first.
  const rule = errors.find((e) => e.field === 'eligibility');
  if (errors.length > 0) throw new AppError('validation', rule ? `the action is invalid: eligibility ${rule.message}` : 'the action is invalid', errors);
  return engagement;
}

export function createCatalogService(deps: CatalogDeps): CatalogService {
  const { db, state } = deps;
  return {
    putSchema(features: FeatureSpec[], channels?: string[], contactHistory?: ContactHistorySpec): SchemaPutResult {
      const problems = [
        ...validateFeatureSpecs(features),
        ...(Array.isArray(features) ? checkFeatureLimits(features) : []),
        ...validateContactHistory(contactHistory),
      ];
      if (problems.length > 0) throw new AppError('validation', 'the feature schema is invalid', problems);
      const schemaChannels = channels ?? catalogChannels(state.actions());
      if (schemaChannels.length > MAX_CHANNELS) {
        const message = `lists ${schemaChannels.length} channels; at most ${MAX_CHANNELS} are allowed`;
        throw new AppError('validation', `the feature schema ${message}`, [{ field: 'channels', message }]);
      }
      let dimension: number;
      try {
        dimension = compileEncoder({ features, channels: schemaChannels, contactHistory }).dimension;
      } catch (error) {
        const message = (error as Error).message;
        throw new AppError('validation', message, [{ field: /^(a )?channel/.test(message) ? 'channels' : 'features', message }]);
      }
      if (dimension > deps.maxDimension) {
        // Each action keeps d×d matrices, and each learner cycle inverts and writes them: O(d³) per updated model.
        const message = `encodes to dimension ${dimension} (bias + feature slots + channel slots); the limit is ${deps.maxDimension} (KAIROS_MAX_DIMENSION)`;
        throw new AppError('validation', `the feature schema ${message}`, [{ field: 'features', message }]);
      }
      // Writing an identical schema again would start every model from its prior for nothing: answer the current one.
      // Compared with the stored schema, not the cached one: another process may have written a newer version.
      const current = getCurrentSchema(db) ?? state.schema();
      if (sameSchema({ features, channels: schemaChannels, contactHistory }, current)) {
        if (current.version !== state.schema().version) state.reload();
        return { ...toSchemaView(current, state.encoder().slots), unchanged: true };
      }
      const rec = insertSchema(db, features, schemaChannels, dimension, deps.now(), contactHistory);
      state.reload();
      return { ...toSchemaView(rec, state.encoder().slots), unchanged: false };
    },

    getSchema(): SchemaView {
      return toSchemaView(state.schema(), state.encoder().slots);
    },

    putAction(actionId: string, input: ActionInput) {
      const engagement = validateActionInput(input, state);
      const previous = getAction(db, actionId);
      if (!previous && state.actions().length >= MAX_ACTIONS) {
        throw new AppError('conflict', `the catalog already holds the maximum of ${MAX_ACTIONS} actions`);
      }
      const { record, created } = upsertAction(
        db,
        {
          id: actionId,
          name: input.name,
          category: input.category,
          value: input.value,
          lever: input.lever ?? previous?.lever ?? 1,
          channels: input.channels ?? [],
          active: input.active ?? true,
          likelihood: input.likelihood ?? previous?.likelihood ?? deps.defaultLikelihood,
          ...engagement,
        },
        deps.now(),
      );
      state.reload();
      return { action: toAction(record), created };
    },

    listActions: () => state.actions().map(toAction),

    getAction(actionId: string): Action {
      const action = state.action(actionId);
      if (!action) throw new AppError('not_found', `action '${actionId}' does not exist`, [{ field: 'actionId', message: 'no such action' }]);
      return toAction(action);
    },
  };
}
