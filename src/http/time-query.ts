/**
 * Time query parameters of the measurement routes (`from`, `to`): ISO-8601 (`2026-12-01`, `2026-12-01T10:00:00Z`,
 * with an offset) or Unix ms, as the shared contract of issue #11 says. A value that is neither answers 400 naming
 * the parameter. Date.parse alone is not the check: it rolls an impossible date over ('2026-02-30' → 2 March) and
 * reads a date-time without an offset in the server's time zone, so both are refused here.
 */
import { z } from '@hono/zod-openapi';
import { parseTimeParam } from '../core/instant.js';

export { parseTimeParam };

/** A `from` / `to` query parameter, validated here and turned into Unix ms by the handler with parseTimeParam. */
export const timeParam = (name: string, description: string) =>
  z
    .string()
    .refine((text) => parseTimeParam(text) !== undefined, 'must be an ISO-8601 time (2026-12-01T00:00:00Z) or Unix ms')
    .optional()
    .openapi({ param: { name, in: 'query' }, description, example: '2026-12-01T00:00:00Z' });
