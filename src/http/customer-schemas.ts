/**
 * Zod schemas of the customer routes (DESIGN.md §8.1). The shapes are checked here (an object value is a 400 naming
 * `attributes.<key>`); the limits on keys and size are checked by the customer service, after a PATCH merge too.
 */
import { z } from '@hono/zod-openapi';
import { MAX_ATTRIBUTE_KEY_LENGTH, MAX_ATTRIBUTE_KEYS, MAX_ATTRIBUTES_BYTES } from '../customers/attributes.js';
import { EVENT_TYPE_PATTERN, MAX_EVENT_ID_LENGTH } from '../customers/events.js';
import { ACTION_ID_PATTERN, CHANNEL_PATTERN, DecisionResponseSchema, MAX_SLOTS } from './schemas.js';

/** Customer ids appear in URLs: 1–128 characters of [A-Za-z0-9_.:@-] (an e-mail-like id fits). */
export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;

export const CustomerIdParams = z.object({
  customerId: z
    .string()
    .regex(CUSTOMER_ID_PATTERN, 'must be 1–128 characters of A–Z, a–z, 0–9, _ . : @ -')
    .openapi({ param: { name: 'customerId', in: 'path' }, example: 'c-1042' }),
});

const attributeValue = z
  .union([z.string(), z.number(), z.boolean(), z.array(z.string())], { error: 'must be a string, a finite number, a boolean or an array of strings' })
  .openapi('AttributeValue');

const limits = `at most ${MAX_ATTRIBUTE_KEYS} keys of 1–${MAX_ATTRIBUTE_KEY_LENGTH} characters and ${MAX_ATTRIBUTES_BYTES / 1024} KiB of JSON`;

export const PutCustomerBody = z
  .strictObject({
    attributes: z.record(z.string(), attributeValue).openapi({
      description: `The profile: ${limits}. Keys the feature schema does not encode are kept (eligibility rules read them).`,
      example: { age: 41, segment: 'affluent', products: ['current_account'] },
    }),
  })
  .openapi('PutCustomerRequest');

export const PatchCustomerBody = z
  .strictObject({
    attributes: z.record(z.string(), attributeValue.nullable()).openapi({
      description: `JSON merge: each key replaces the stored one, \`null\` removes it; the result holds ${limits}.`,
      example: { segment: 'mass', debtCounselling: null },
    }),
  })
  .openapi('PatchCustomerRequest');

const isoTime = z.string().openapi({ format: 'date-time' });

export const CustomerSchema = z
  .object({ customerId: z.string(), attributes: z.record(z.string(), attributeValue), updatedAt: isoTime })
  .openapi('Customer');

export const CustomerViewSchema = CustomerSchema.extend({
  events: z.array(z.object({ eventId: z.string(), type: z.string(), at: isoTime, expiresAt: isoTime })).openapi({
    description: 'Unexpired events, latest first (at most 1,000).',
  }),
  contacts: z
    .array(
      z.object({
        decisionId: z.string(),
        channel: z.string(),
        actionId: z.string(),
        at: isoTime,
        outcome: z.enum(['response', 'ignore']).nullable(),
      }),
    )
    .openapi({ description: 'The contact history, latest first (at most 100).' }),
  suppressions: z.array(z.object({ scope: z.enum(['action', 'category']), id: z.string(), until: isoTime, rule: z.number().int() })),
  controlGroup: z.boolean(),
}).openapi('CustomerView');

export const CustomerEventBody = z
  .strictObject({
    eventId: z
      .string()
      .min(1)
      .max(MAX_EVENT_ID_LENGTH)
      .optional()
      .openapi({ description: 'Idempotency key (generated when absent): the same id again answers 200 `duplicate: true`.' }),
    type: z
      .string()
      .regex(EVENT_TYPE_PATTERN, 'must be 1–64 characters of A–Z, a–z, 0–9, _ . : -')
      .openapi({ example: 'house_purchase' }),
    at: isoTime.optional().openapi({ description: 'ISO-8601 with a zone; default now; at most 5 minutes in the future.' }),
    attributes: z.record(z.string(), attributeValue).optional(),
    decide: z
      .strictObject({
        channel: z.string().regex(CHANNEL_PATTERN, 'must be 1–64 characters of A–Z, a–z, 0–9, _ . : -'),
        slots: z.number().int().min(1).max(MAX_SLOTS).optional(),
        candidates: z.array(z.string().regex(ACTION_ID_PATTERN)).max(10_000).optional(),
        exclude: z.array(z.string().regex(ACTION_ID_PATTERN)).max(10_000).optional(),
      })
      .optional()
      .openapi({ description: 'The moment-of-truth trigger: decide on this channel once the event is recorded.' }),
  })
  .openapi('CustomerEventRequest');

export const CustomerEventResponseSchema = z
  .object({
    eventId: z.string(),
    customerId: z.string(),
    type: z.string(),
    at: isoTime,
    expiresAt: isoTime,
    duplicate: z.boolean(),
    decision: DecisionResponseSchema.optional(),
  })
  .openapi('CustomerEventResponse');
