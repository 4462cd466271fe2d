/**
 * Customer events (DESIGN.md §8.1): validation of a posted event and its expiry. An event is kept for the longest
 * TTL among the event-fed features that list its type, else DEFAULT_EVENT_TTL_MS.
 */
import { eventTtlMs, type FeatureSpec } from '../core/encoding.js';
import type { FieldProblem } from '../errors.js';
import { attributeSizeProblems, attributeValueProblems } from './attributes.js';
import { EVENT_FUTURE_TOLERANCE_MS } from './customer-store.js';

/** Events that no event-fed feature lists are kept 90 days. */
export const DEFAULT_EVENT_TTL_MS = 90 * 86_400_000;
export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const MAX_EVENT_ID_LENGTH = 128;

export interface EventDecide {
  channel: string;
  slots?: number;
  candidates?: string[];
  exclude?: string[];
}

export interface CustomerEventInput {
  /** Idempotency key: the same id again is a duplicate. Generated (UUIDv7) when absent. */
  eventId?: string;
  type: string;
  /** ISO-8601; default now. */
  at?: string;
  attributes?: Record<string, unknown>;
  /** The moment-of-truth trigger: decide on this channel once the event is recorded. */
  decide?: EventDecide;
}

/** ms an event of `type` is kept from its `at`. */
export function eventTtlFor(features: readonly FeatureSpec[], type: string): number {
  let ttl: number | undefined;
  for (const feature of features) {
    const featureTtl = eventTtlMs(feature);
    if (featureTtl !== undefined && feature.type === 'set' && feature.values.includes(type)) ttl = Math.max(ttl ?? 0, featureTtl);
  }
  return ttl ?? DEFAULT_EVENT_TTL_MS;
}

// ISO-8601 date-time with a zone (Z or ±hh:mm), as Date.parse reads it the same on every platform.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Unix ms of an ISO-8601 date-time with a zone, or undefined when `text` is not one. */
export function parseIsoTime(text: string): number | undefined {
  if (!ISO_DATE_TIME.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Every problem with a posted event, each naming its field; `at` is returned in ms when valid. */
export function eventProblems(input: CustomerEventInput, now: number): { problems: FieldProblem[]; at: number } {
  const problems: FieldProblem[] = [];
  if (typeof input.type !== 'string' || !EVENT_TYPE_PATTERN.test(input.type)) {
    problems.push({ field: 'type', message: 'must be 1–64 characters of A–Z, a–z, 0–9, _ . : -' });
  }
  if (input.eventId !== undefined) {
    const id = input.eventId;
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_EVENT_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(id)) {
      problems.push({ field: 'eventId', message: `must be 1–${MAX_EVENT_ID_LENGTH} characters with no control characters` });
    }
  }
  let at = now;
  if (input.at !== undefined) {
    const parsed = typeof input.at === 'string' ? parseIsoTime(input.at) : undefined;
    if (parsed === undefined) problems.push({ field: 'at', message: 'must be an ISO-8601 date-time with a zone, e.g. 2026-12-01T10:00:00Z' });
    else if (parsed > now + EVENT_FUTURE_TOLERANCE_MS) problems.push({ field: 'at', message: 'is more than 5 minutes in the future' });
    else at = parsed;
  }
  if (input.attributes !== undefined) {
    const valueProblems = attributeValueProblems(input.attributes, 'attributes', false);
    problems.push(...(valueProblems.length > 0 ? valueProblems : attributeSizeProblems(input.attributes, 'attributes')));
  }
  return { problems, at };
}
