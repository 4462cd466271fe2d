/**
 * The Personalizer request and response shapes (REST spec v1.0 / v1.1-preview.3) as zod schemas: structural checks
 * only — types, required fields, Personalizer's counts and lengths. What needs the request as a whole or the loop's
 * state (duplicate ids, excluded or baseline actions that are not offered, durations, unknown events) is the
 * service's (src/personalizer), which answers PersonalizerError. Unknown fields are ignored, as Personalizer did:
 * `z.object` drops them, so the service never sees them. Feature arrays are free-form JSON (`z.array(z.unknown())`):
 * the service flattens them and refuses what it cannot (a string item, nesting too deep).
 */
import { z } from '@hono/zod-openapi';
import { LEARNING_MODES, MAX_ACTIONS, MAX_ID_LENGTH, MAX_SLOTS, REWARD_AGGREGATIONS } from '../../personalizer/types.js';

const id = (what: string) => z.string().min(1).max(MAX_ID_LENGTH).openapi({ description: `${what} (1–${MAX_ID_LENGTH} characters)` });

const Features = z
  .array(z.unknown())
  .openapi({ description: 'Free-form JSON objects (nested objects and arrays allowed), flattened and hashed by the service' });

export const EventIdParams = z.object({
  eventId: id('The event id').openapi({ param: { name: 'eventId', in: 'path' }, example: '75269AD0-BFEE-4598-8196-C57383D38E10' }),
});

/** `?signed=true` on GET/PUT /model: accepted (Kairos's model file is not signed). */
export const ModelQuery = z.object({
  signed: z.enum(['true', 'false']).optional().openapi({ description: 'Accepted for compatibility; the model file is never signed' }),
});

export const RankableActionSchema = z
  .object({ id: id('The action id'), features: Features })
  .openapi('PersonalizerRankableAction');

const Actions = z.array(RankableActionSchema).min(1).max(MAX_ACTIONS).openapi({ description: `1–${MAX_ACTIONS} actions` });
const ExcludedActions = z.array(z.string().max(MAX_ID_LENGTH)).max(MAX_ACTIONS);

export const RankRequestSchema = z
  .object({
    contextFeatures: Features.optional(),
    actions: Actions,
    excludedActions: ExcludedActions.optional().openapi({ description: 'Ranked last with probability 0; never the reward action' }),
    eventId: id('A client-chosen event id; generated when absent').optional(),
    deferActivation: z.boolean().optional().openapi({ description: 'Learned only once POST …/activate is called' }),
  })
  .openapi('PersonalizerRankRequest');

export const RankResponseSchema = z
  .object({
    ranking: z.array(z.object({ id: z.string(), probability: z.number() })),
    eventId: z.string(),
    rewardActionId: z.string(),
  })
  .openapi('PersonalizerRankResponse');

export const SlotRequestSchema = z
  .object({
    id: id('The slot id'),
    features: Features.optional(),
    excludedActions: ExcludedActions.optional(),
    baselineAction: id('The action the application would show in this slot (returned in Apprentice mode)'),
  })
  .openapi('PersonalizerSlotRequest');

export const MultiSlotRankRequestSchema = z
  .object({
    contextFeatures: Features.optional(),
    actions: Actions,
    slots: z.array(SlotRequestSchema).min(1).max(MAX_SLOTS).openapi({ description: `1–${MAX_SLOTS} slots` }),
    eventId: id('A client-chosen event id; generated when absent').optional(),
    deferActivation: z.boolean().optional(),
  })
  .openapi('PersonalizerMultiSlotRankRequest');

export const MultiSlotRankResponseSchema = z
  .object({ slots: z.array(z.object({ id: z.string(), rewardActionId: z.string() })), eventId: z.string() })
  .openapi('PersonalizerMultiSlotRankResponse');

/** JSON cannot carry NaN or ±Infinity, and `"NaN"` or null are not numbers: all 400. */
const RewardValue = z.number().finite().min(-1).max(1).openapi({ description: 'The reward, in [-1, 1] (typically 0–1)' });

export const RewardRequestSchema = z.object({ value: RewardValue }).openapi('PersonalizerRewardRequest');

export const MultiSlotRewardRequestSchema = z
  .object({
    reward: z.array(z.object({ slotId: id('The slot id'), value: RewardValue })).max(MAX_SLOTS),
  })
  .openapi('PersonalizerMultiSlotRewardRequest');

const duration = (description: string) => z.string().openapi({ description: `ISO 8601 duration: ${description}`, example: 'PT10M' });

/**
 * Types only: the service checks ranges, durations and which changes may go together
 * (updateServiceConfiguration takes the body as it came, so its answer names the field).
 */
export const ServiceConfigurationSchema = z
  .object({
    rewardWaitTime: duration('5 s to 2 days'),
    defaultReward: z.number().openapi({ description: '[-1, 1]: learned when no reward arrives within the wait time' }),
    rewardAggregation: z.string().openapi({ description: REWARD_AGGREGATIONS.join(' or ') }),
    explorationPercentage: z.number().openapi({ description: '[0, 1]: the share of ranks that explore uniformly' }),
    modelExportFrequency: duration('stored and shown'),
    logRetentionDays: z.number().int().openapi({ description: '-1 (forever) or at least the wait time plus one day' }),
    learningMode: z.string().optional().openapi({ description: LEARNING_MODES.join(', ') }),
    logMirrorEnabled: z.boolean().optional(),
    logMirrorSasUri: z.string().optional(),
    lastConfigurationEditDate: z.string().optional(),
    isAutoOptimizationEnabled: z.boolean().optional(),
    autoOptimizationFrequency: z.string().optional(),
    autoOptimizationStartDate: z.string().optional(),
  })
  .openapi('PersonalizerServiceConfiguration');

/** PUT may send any subset of the fields; the service decides what an absent one means and what may change together. */
export const ServiceConfigurationUpdateSchema = ServiceConfigurationSchema.partial().openapi('PersonalizerServiceConfigurationUpdate');

/** The answer of GET /configurations/service: the configuration, plus the Apprentice report while there is one. */
export const ServiceConfigurationResponseSchema = ServiceConfigurationSchema.extend({
  apprentice: z
    .object({
      events: z.number().int(),
      agreement: z.number().nullable(),
      baselineAverageReward: z.number().nullable(),
      modelIpsEstimate: z.number().nullable(),
    })
    .optional()
    .openapi({ description: "How the model's choices would have done against the baseline (Apprentice mode)" }),
}).openapi('PersonalizerServiceConfigurationAnswer');

export const PolicyConfigurationSchema = z
  .object({
    name: z.string().max(256),
    arguments: z.string().max(1024).openapi({ description: 'Stored and shown: Kairos learns per-action Bayesian models, not VW' }),
  })
  .openapi('PersonalizerPolicyConfiguration');

export const ModelPropertiesSchema = z
  .object({ creationTime: z.string().openapi({ format: 'date-time' }), lastModifiedTime: z.string().openapi({ format: 'date-time' }) })
  .openapi('PersonalizerModelProperties');

export const LogsPropertiesSchema = z
  .object({ dateRange: z.object({ from: z.string().openapi({ format: 'date-time' }), to: z.string().openapi({ format: 'date-time' }) }) })
  .openapi('PersonalizerLogsProperties');

export const PersonalizerErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      target: z.string().optional().openapi({ description: 'The field at fault, as the client wrote it (e.g. actions.3.id)' }),
      details: z.array(z.object({ code: z.string(), message: z.string(), target: z.string() })).optional(),
    }),
  })
  .openapi('PersonalizerError');

const ERROR_DESCRIPTIONS = {
  400: 'A field that fails validation (named in error.target)',
  404: 'Unknown event',
  413: 'Request body over the size limit',
  415: 'Content-Type is not application/json',
} as const;

type ErrorResponse = { description: string; content: { 'application/json': { schema: typeof PersonalizerErrorSchema } } };

/** Error responses for a Personalizer route's OpenAPI entry. */
export function personalizerErrors<const S extends readonly (keyof typeof ERROR_DESCRIPTIONS)[]>(...statuses: S): { [K in S[number]]: ErrorResponse } {
  const out: Partial<Record<number, ErrorResponse>> = {};
  for (const status of statuses) out[status] = { description: ERROR_DESCRIPTIONS[status], content: { 'application/json': { schema: PersonalizerErrorSchema } } };
  return out as { [K in S[number]]: ErrorResponse };
}
