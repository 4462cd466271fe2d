/** Zod schemas of the channel and contact-policy routes (DESIGN.md §8.2). Strict objects: an unknown field is a 400. */
import { z } from '@hono/zod-openapi';
import { parsePolicyDuration, POLICY_DURATION_MESSAGE } from '../core/duration.js';
import { MAX_ACTION_VALUE } from '../core/limits.js';
import { CATEGORIES } from '../domain/types.js';
import { CHANNEL_PATTERN } from './schemas.js';

/** Most suppression rules one policy may hold: each is evaluated over the customer's history by every decision. */
export const MAX_SUPPRESSION_RULES = 100;
/** Largest per-period contact limit and `after` count (beyond any real policy, and far from float trouble). */
const MAX_COUNT = 1_000_000;

const channelId = z.string().regex(CHANNEL_PATTERN, 'must be 1–64 characters of A–Z, a–z, 0–9, _ . : -').openapi({ example: 'email' });
const duration = z
  .string()
  .refine((text) => parsePolicyDuration(text) !== undefined, POLICY_DURATION_MESSAGE)
  .openapi({ example: '7d', description: `A policy duration: ${POLICY_DURATION_MESSAGE}` });
const direction = z.enum(['inbound', 'outbound']);
const isoTime = z.string().openapi({ format: 'date-time' });

export const ChannelIdParams = z.object({
  channelId: channelId.openapi({ param: { name: 'channelId', in: 'path' } }),
});

const limit = z
  .strictObject({ contacts: z.number().int().min(1).max(MAX_COUNT), per: duration })
  .openapi({ description: 'At most `contacts` contacts per customer on this channel within `per`.' });

export const PutChannelBody = z
  .strictObject({
    name: z.string().min(1).max(200),
    direction,
    contactCost: z
      .number()
      .min(0)
      .max(MAX_ACTION_VALUE)
      .optional()
      .openapi({ description: 'Subtracted from each action’s priority on this channel (net value); ≥ 0, default 0.' }),
    limit: limit.optional(),
  })
  .openapi('PutChannelRequest');

export const ChannelSchema = z
  .object({
    channelId: z.string(),
    name: z.string(),
    direction,
    contactCost: z.number(),
    limit: z.object({ contacts: z.number().int(), per: z.string() }).nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .openapi('Channel');

export const ChannelListSchema = z.array(ChannelSchema).openapi('ChannelList');

const suppressionRule = z.strictObject({
  after: z.number().int().min(1).max(MAX_COUNT),
  outcome: z.enum(['ignore', 'response']),
  within: duration,
  scope: z.enum(['action', 'category']),
  for: duration,
  categories: z.array(z.enum(CATEGORIES)).min(1).max(CATEGORIES.length).optional().openapi({ description: 'Limits the rule to actions of these categories.' }),
});

const threshold = (value: z.ZodNumber, description: string) =>
  z
    .strictObject({
      default: value,
      channels: z.record(channelId, value).optional().openapi({ description: 'Per declared channel; overrides `default` there.' }),
    })
    .openapi({ description });

export const ContactPolicySchema = z
  .strictObject({
    suppression: z.array(suppressionRule).max(MAX_SUPPRESSION_RULES),
    thresholds: z
      .strictObject({
        propensity: threshold(z.number().min(0).max(1), 'An action is offered only when its propensity reaches this.').optional(),
        priority: threshold(z.number().min(0).max(1e15), 'An action is offered only when its priority reaches this (else KAIROS_MIN_PRIORITY).').optional(),
      })
      .optional(),
  })
  .openapi('ContactPolicy');
