/**
 * Zod schemas shared by the routes: request bodies and path parameters (validated before a handler runs) and
 * response shapes (documented in /openapi.json). Request objects are strict: an unknown field is a 400 naming it,
 * so a typo such as `slot` for `slots` is reported instead of silently ignored. `z.number()` in zod 4 rejects
 * NaN and ±Infinity, so a JSON number that overflows to Infinity (e.g. 1e400) is a 400 too. Sizes and magnitudes are
 * bounded by src/core/limits.ts, so no accepted request can make later ones expensive or a model non-finite.
 */
import { z } from '@hono/zod-openapi';
import {
  MAX_ABS_REWARD,
  MAX_ACTION_LEVER,
  MAX_ACTION_VALUE,
  MAX_CHANNELS,
  MAX_FEATURE_VALUES,
  MAX_FEATURES,
  MAX_NAME_LENGTH,
  MAX_SCHEMA_NUMBER,
} from '../core/limits.js';
import { CATEGORIES, EXCLUSION_REASONS, NO_ACTION_REASONS } from '../domain/types.js';
import { parsePolicyDuration, POLICY_DURATION_MESSAGE } from '../core/duration.js';

/** Action ids appear in URLs and logs: 1–128 characters of [A-Za-z0-9_.:-]. */
export const ACTION_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const MAX_SLOTS = 10;

const actionId = z
  .string()
  .regex(ACTION_ID_PATTERN, 'must be 1–128 characters of A–Z, a–z, 0–9, _ . : -')
  .openapi({ example: 'mortgage-offer' });
const name = z.string().min(1).max(200);
/** Channel names: ids, not text (each one becomes a one-hot slot and a row of the running counts). */
export const CHANNEL_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const channel = z
  .string()
  .regex(CHANNEL_PATTERN, 'must be 1–64 characters of A–Z, a–z, 0–9, _ . : -')
  .openapi({ example: 'app' });
const category = z.enum(CATEGORIES);
const likelihood = z.enum(['logistic', 'linear']);
const isoTime = z.string().openapi({ format: 'date-time' });

export const ActionIdParams = z.object({
  actionId: actionId.openapi({ param: { name: 'actionId', in: 'path' } }),
});

export const DecisionIdParams = z.object({
  decisionId: z.string().min(1).max(128).openapi({ param: { name: 'decisionId', in: 'path' }, example: '0190a5f2-7c1e-7c3a-8f00-1a2b3c4d5e6f' }),
});

// ---- feature schema -------------------------------------------------------------------------------------------

const featureName = z.string().min(1).max(MAX_NAME_LENGTH);
const featureValues = z.array(z.string().max(MAX_NAME_LENGTH)).min(1).max(MAX_FEATURE_VALUES);
const scaling = z.number().min(-MAX_SCHEMA_NUMBER).max(MAX_SCHEMA_NUMBER).optional();

export const FeatureSpecSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      name: featureName,
      type: z.literal('numeric'),
      min: scaling,
      max: scaling,
      mean: scaling,
      std: scaling,
    }),
    z.strictObject({ name: featureName, type: z.literal('categorical'), values: featureValues }),
    z.strictObject({
      name: featureName,
      type: z.literal('set'),
      values: featureValues,
      events: z
        .strictObject({ ttl: z.string().max(32).openapi({ example: '90d' }) })
        .optional()
        .openapi({ description: 'Event-fed: the value is the set of these event types the customer had within `ttl` (e.g. 90d).' }),
    }),
    z.strictObject({ name: featureName, type: z.literal('boolean') }),
  ])
  .openapi('FeatureSpec');

export const PutSchemaBody = z
  .strictObject({
    features: z.array(FeatureSpecSchema).max(MAX_FEATURES),
    /** Channels one-hot encoded by this schema version; absent = the channels named by the catalog's actions. */
    channels: z
      .array(channel)
      .max(MAX_CHANNELS)
      .superRefine((channels, ctx) => {
        channels.forEach((name, i) => {
          if (channels.indexOf(name) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `duplicates channels.${channels.indexOf(name)}` });
        });
      })
      .optional(),
    contactHistory: z
      .strictObject({
        window: z.string().refine((w) => parsePolicyDuration(w) !== undefined, { message: `must be ${POLICY_DURATION_MESSAGE}` }),
      })
      .optional()
      .openapi({
        description:
          'Adds two slots after the channel block, learned like any feature: `history.ignores` (this customer\'s ignores ' +
          'of this action within `window`) and `history.contacts` (their contacts on this channel within `window`).',
      }),
  })
  .openapi('PutSchemaRequest');

export const SchemaViewSchema = z
  .object({
    version: z.number().int(),
    dimension: z.number().int(),
    features: z.array(FeatureSpecSchema),
    channels: z.array(z.string()),
    contactHistory: z.object({ window: z.string() }).optional(),
    slots: z.array(z.string()).openapi({ description: 'Name of every slot of the encoded vector x, bias first.' }),
    createdAt: isoTime,
  })
  .openapi('Schema');

export const SchemaPutResponseSchema = SchemaViewSchema.extend({
  unchanged: z.boolean().openapi({
    description: 'true when the PUT was identical to the current schema: nothing was written and every model was kept.',
  }),
}).openapi('SchemaPutResponse');

// ---- actions --------------------------------------------------------------------------------------------------

export const PutActionBody = z
  .strictObject({
    name,
    category,
    value: z.number().min(0).max(MAX_ACTION_VALUE).openapi({ description: `Business value of a response; 0 to ${MAX_ACTION_VALUE}.` }),
    channels: z.array(channel).max(MAX_CHANNELS).optional().openapi({ description: 'Empty or absent: every channel.' }),
    active: z.boolean().optional(),
    lever: z
      .number()
      .positive()
      .max(MAX_ACTION_LEVER)
      .optional()
      .openapi({ description: `Business lever L in P × V × L; > 0 and ≤ ${MAX_ACTION_LEVER}; default 1.` }),
    likelihood: likelihood.optional(),
    eligibility: z.string().max(4096).optional().openapi({
      description: "CEL over `customer` (the effective context), `channel` and `now`, e.g. `customer.age >= 18 && !('mortgage' in customer.products)`; compiled at PUT (a 400 names the line and column).",
    }),
    startAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'ISO-8601; before it the action is not a candidate.' }),
    endAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'ISO-8601, after startAt; from it on the action is not a candidate.' }),
    dailyCap: z.number().int().min(1).max(1e9).optional().openapi({ description: 'At most this many decisions offer it per UTC day.' }),
    mandatory: z.boolean().optional().openapi({ description: 'Offered ahead of every other; channel limits do not stop it (suppression does).' }),
  })
  .openapi('PutActionRequest');

export const ActionSchema = z
  .object({
    actionId: z.string(),
    name: z.string(),
    category,
    value: z.number(),
    channels: z.array(z.string()),
    active: z.boolean(),
    lever: z.number(),
    likelihood,
    eligibility: z.string().nullable(),
    startAt: isoTime.nullable(),
    endAt: isoTime.nullable(),
    dailyCap: z.number().int().nullable(),
    mandatory: z.boolean(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .openapi('Action');

export const ActionListSchema = z.array(ActionSchema).openapi('ActionList');

// ---- decisions and feedback -----------------------------------------------------------------------------------

export const DecisionBody = z
  .strictObject({
    customerId: z.string().min(1).max(256).optional(),
    channel,
    context: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({
        description:
          'Feature values keyed by feature name; unknown keys are ignored. With a stored `customerId` it may be omitted: the effective context is the stored attributes, then the event-fed features, then this context (which wins key by key).',
        example: { age: 42 },
      }),
    candidates: z.array(actionId).max(10_000).optional(),
    exclude: z.array(actionId).max(10_000).optional(),
    slots: z.number().int().min(1).max(MAX_SLOTS).default(1),
    activate: z.boolean().optional().openapi({
      description: 'false: deferred activation — decide now, show later; no contact and nothing learned until POST /v1/decisions/{decisionId}/activate (or an outcome). Default true.',
    }),
    explain: z.boolean().optional().openapi({ description: 'true: the answer adds `excluded` (every action not offered, with why) and the effective `context`.' }),
  })
  .openapi('DecisionRequest');

export const DecidedActionSchema = z
  .object({
    actionId: z.string(),
    name: z.string(),
    category,
    propensity: z.number().openapi({ description: 'Posterior-mean response probability (linear: expected reward).' }),
    sampledPropensity: z.number().openapi({ description: 'The Thompson draw that won.' }),
    value: z.number(),
    priority: z.number(),
    probability: z.number().openapi({ description: 'Chance the policy had of choosing this action (off-policy evaluation); 1 for a mandatory action.' }),
    probabilityError: z
      .number()
      .optional()
      .openapi({ description: "Only when the decision's probabilityMethod is monte-carlo: the binomial standard error √(p(1−p)/(M+1)) of `probability`, a frequency over M re-draws (KAIROS_PROBABILITY_DRAWS) plus the actual draw." }),
    mandatory: z.boolean().openapi({ description: 'A mandatory action (risk, regulatory): offered ahead of every other, whatever the channel limit.' }),
    reasons: z
      .array(z.object({ feature: z.string(), contribution: z.number() }))
      .openapi({ description: 'The largest contributions xᵢ·μᵢ to its score (slot name, signed), largest magnitude first; bias excluded.' }),
  })
  .openapi('DecidedAction');

export const DecisionResponseSchema = z
  .object({
    decisionId: z.string(),
    channel: z.string(),
    actions: z.array(DecidedActionSchema),
    noAction: z.boolean(),
    group: z.enum(['policy', 'control']),
    noActionReason: z
      .enum(NO_ACTION_REASONS)
      .optional()
      .openapi({ description: 'Why nothing was offered: no_candidates, contact_limit, below_threshold (no draw cleared the thresholds), not_worth_contact (none was worth the channel’s contact cost).' }),
    probabilityMethod: z
      .enum(['exact', 'monte-carlo', 'off'])
      .optional()
      .openapi({ description: 'How `probability` was computed: exact (one-slot quadrature, or a certain slate), monte-carlo (re-draws; each action states probabilityError), off (KAIROS_PROBABILITY_DRAWS=0: indicators of the actual choice, not probabilities).' }),
    excluded: z
      .array(z.object({ actionId: z.string(), reason: z.enum(EXCLUSION_REASONS) }))
      .optional()
      .openapi({ description: '`explain: true` only: every action not offered, with why.' }),
    context: z.record(z.string(), z.unknown()).optional().openapi({ description: '`explain: true` only: the effective context of the decision.' }),
  })
  .openapi('DecisionResponse');

export const FeedbackBody = z
  .strictObject({
    actionId: actionId.optional().openapi({ description: 'Absent: the decision’s first action.' }),
    outcome: z.enum(['response', 'ignore']),
    reward: z
      .number()
      .min(-MAX_ABS_REWARD)
      .max(MAX_ABS_REWARD)
      .optional()
      .openapi({ description: `Reward learned by a linear action; |reward| ≤ ${MAX_ABS_REWARD}.` }),
  })
  .openapi('FeedbackRequest');

export const FeedbackResponseSchema = z
  .object({
    decisionId: z.string(),
    actionId: z.string(),
    outcome: z.enum(['response', 'ignore']),
    duplicate: z.boolean(),
  })
  .openapi('FeedbackResponse');

// ---- stats ----------------------------------------------------------------------------------------------------

const countsShape = {
  decisions: z.number().int(),
  responses: z.number().int(),
  ignores: z.number().int(),
  pending: z.number().int(),
  responseRate: z.number().nullable(),
};
const interval = z.tuple([z.number(), z.number()]).nullable().openapi({ description: '95 % Wilson interval; null with no outcomes.' });

export const ChannelCountsSchema = z.object(countsShape).openapi('ChannelCounts');

export const ModelQualitySchema = z
  .object({
    scored: z.number().int().openapi({
      description: 'Outcomes scored prequentially: each with the model as it stood before the learner cycle that learned it',
    }),
    auc: z.number().nullable().openapi({ description: 'Mann–Whitney AUC of the prequential predictions; null without both a response and an ignore' }),
    aucCi95: z.tuple([z.number(), z.number()]).nullable().openapi({ description: '95 % interval (Hanley–McNeil 1982 standard error)' }),
    calibration: z
      .array(z.object({ predicted: z.number(), observed: z.number(), count: z.number().int() }))
      .openapi({ description: 'Up to 10 groups of about equal count in order of prediction: mean predicted probability, observed response rate' }),
  })
  .openapi('ModelQuality');

export const ActionStatsSchema = z
  .object({
    actionId: z.string(),
    ...countsShape,
    responseRateCi: interval,
    byChannel: z.record(z.string(), ChannelCountsSchema),
    eligibilityErrors: z.number().int().openapi({ description: 'Eligibility rule evaluations that failed (missing key, non-boolean result) since the process started' }),
    successRate: z.number().nullable().openapi({ description: 'responses / (responses + ignores); null with no outcome' }),
    evidence: z.number().openapi({
      description: "Outcomes the action's current model has learned (its observation count: since its last reset, decayed by forgetting)",
    }),
    quality: ModelQualitySchema,
    reward: z
      .object({ n: z.number().int(), mean: z.number().nullable(), sd: z.number().nullable() })
      .nullable()
      .openapi({ description: 'Linear actions: count, mean and sample sd of the rewards recorded; null for logistic actions' }),
    model: z.object({
      likelihood,
      observations: z.number(),
      version: z.number().int(),
      updatedAt: isoTime.nullable(),
      coefficients: z.array(
        z.object({
          feature: z.string(),
          mean: z.number(),
          sd: z.number(),
          ci95: z.tuple([z.number(), z.number()]).openapi({ description: 'Central 95 % credible interval, mean ± 1.96·sd' }),
        }),
      ),
    }),
  })
  .openapi('ActionStats');

export const LearnerLagSchema = z
  .object({
    appliedSeq: z.number().int().openapi({ description: 'The last feedback seq folded into the stored models' }),
    latestSeq: z.number().int().openapi({ description: 'The last feedback seq written' }),
    lag: z.number().int().openapi({ description: 'Feedback rows written but not yet learned: latestSeq − appliedSeq' }),
  })
  .openapi('LearnerLag');

export const StatsOverviewSchema = z
  .object({
    actions: z.array(ActionStatsSchema),
    totals: z.object({ ...countsShape, responseRateCi: interval }),
    unknownContextKeys: z
      .record(z.string(), z.number().int())
      .openapi({ description: 'Context keys not in the feature schema (ignored), with how often they were sent since the process started' }),
    refusedOutcomes: z.number().int().openapi({
      description: 'Outcomes this process\'s learner refused since it started: outside the limits, or they would have made a model non-finite (the model kept its last finite state)',
    }),
    eligibilityErrors: z
      .record(z.string(), z.number().int())
      .openapi({ description: 'Eligibility rule errors per action since the process started (actions with none absent)' }),
    learner: LearnerLagSchema,
  })
  .openapi('StatsOverview');

// ---- errors and health ----------------------------------------------------------------------------------------

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://kairos.dev/problems/validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    checks: z.record(z.string(), z.boolean()).optional(),
    roles: z.array(z.string()).optional().openapi({ description: 'On a 403: the roles that may call the route' }),
  })
  .openapi('Problem');

export const HealthSchema = z.object({ status: z.literal('ok'), version: z.string() }).openapi('Health');
export const ReadySchema = z
  .object({ status: z.literal('ready'), checks: z.record(z.string(), z.boolean()) })
  .openapi('Ready');

const PROBLEM_DESCRIPTIONS = {
  400: 'Malformed JSON or a field that fails validation (named in `errors`)',
  404: 'Not found',
  409: 'Conflicts with the current state (e.g. the catalog is full)',
  413: 'Request body over the size limit',
  415: 'Content-Type is not application/json',
  422: 'Well-formed but refers to something that cannot be used',
  503: 'Not ready',
} as const;

interface ProblemResponse {
  description: string;
  content: { 'application/problem+json': { schema: typeof ProblemSchema } };
}

/** Problem responses for a route's OpenAPI entry, e.g. `...problemResponses(400, 404)`. */
export function problemResponses<const S extends readonly (keyof typeof PROBLEM_DESCRIPTIONS)[]>(
  ...statuses: S
): { [K in S[number]]: ProblemResponse } {
  const out: Partial<Record<number, ProblemResponse>> = {};
  for (const status of statuses) {
    out[status] = { description: PROBLEM_DESCRIPTIONS[status], content: { 'application/problem+json': { schema: ProblemSchema } } };
  }
  return out as { [K in S[number]]: ProblemResponse };
}
