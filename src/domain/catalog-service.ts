/** The catalog: the feature schema and the actions, as the HTTP layer and the demo seeding see them. */
import { compileEncoder, validateFeatureSpecs, type FeatureSpec } from '../core/encoding.js';
import type { Db } from '../../db/open.js';
import { getAction, insertSchema, upsertAction, type ActionRecord, type SchemaRecord } from '../../db/stores/catalog.js';
import { AppError } from '../errors.js';
import type { EngineState } from './engine-state.js';
import { CATEGORIES, type Action, type ActionInput, type CatalogService, type Category, type SchemaView } from './types.js';

export interface CatalogDeps {
  db: Db;
  state: EngineState;
  defaultLikelihood: 'logistic' | 'linear';
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

function validateActionInput(input: ActionInput): void {
  const errors: { field: string; message: string }[] = [];
  if (!CATEGORIES.includes(input.category)) {
    errors.push({ field: 'category', message: `must be one of ${CATEGORIES.join(', ')}` });
  }
  if (!Number.isFinite(input.value) || input.value < 0) errors.push({ field: 'value', message: 'must be a finite number ≥ 0' });
  if (input.lever !== undefined && (!Number.isFinite(input.lever) || input.lever <= 0)) {
    errors.push({ field: 'lever', message: 'must be a finite number > 0' });
  }
  input.channels?.forEach((channel, i) => {
    if (channel.trim() === '') errors.push({ field: `channels.${i}`, message: 'must not be empty' });
  });
  if (errors.length > 0) throw new AppError('validation', 'the action is invalid', errors);
}

export function createCatalogService(deps: CatalogDeps): CatalogService {
  const { db, state } = deps;
  return {
    putSchema(features: FeatureSpec[], channels?: string[]): SchemaView {
      const problems = validateFeatureSpecs(features);
      if (problems.length > 0) throw new AppError('validation', 'the feature schema is invalid', problems);
      const schemaChannels = channels ?? catalogChannels(state.actions());
      let dimension: number;
      try {
        dimension = compileEncoder({ features, channels: schemaChannels }).dimension;
      } catch (error) {
        const message = (error as Error).message;
        throw new AppError('validation', message, [{ field: /^(a )?channel/.test(message) ? 'channels' : 'features', message }]);
      }
      const rec = insertSchema(db, features, schemaChannels, dimension, deps.now());
      state.reload();
      return toSchemaView(rec, state.encoder().slots);
    },

    getSchema(): SchemaView {
      return toSchemaView(state.schema(), state.encoder().slots);
    },

    putAction(actionId: string, input: ActionInput) {
      validateActionInput(input);
      const previous = getAction(db, actionId);
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
