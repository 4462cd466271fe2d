/**
 * Time query parameters of the measurement routes (`from`, `to`): ISO-8601 (`2026-12-01`, `2026-12-01T10:00:00Z`,
 * with an offset) or Unix ms, as the shared contract of issue #11 says. A value that is neither answers 400 naming
 * the parameter.
 */
import { z } from '@hono/zod-openapi';

/** Latest time a JS Date holds (ECMA-262 §21.4.1.1: ±8.64 × 10¹⁵ ms). */
const MAX_TIME_MS = 8.64e15;
const ISO_START = /^\d{4}-\d{2}-\d{2}(?:$|T)/;

/** Unix ms of an ISO-8601 or Unix-ms text, or undefined when it is neither (or outside 1970 … year 275,760). */
export function parseTimeParam(text: string): number | undefined {
  const trimmed = text.trim();
  const ms = /^\d{1,16}$/.test(trimmed) ? Number(trimmed) : ISO_START.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIME_MS ? ms : undefined;
}

/** A `from` / `to` query parameter, validated here and turned into Unix ms by the handler with parseTimeParam. */
export const timeParam = (name: string, description: string) =>
  z
    .string()
    .refine((text) => parseTimeParam(text) !== undefined, 'must be an ISO-8601 time (2026-12-01T00:00:00Z) or Unix ms')
    .optional()
    .openapi({ param: { name, in: 'query' }, description, example: '2026-12-01T00:00:00Z' });
