/**
 * Time query parameters of the measurement routes (`from`, `to`): ISO-8601 (`2026-12-01`, `2026-12-01T10:00:00Z`,
 * with an offset) or Unix ms, as the shared contract of issue #11 says. A value that is neither answers 400 naming
 * the parameter. Date.parse alone is not the check: it rolls an impossible date over ('2026-02-30' → 2 March) and
 * reads a date-time without an offset in the server's time zone, so both are refused here.
 */
import { z } from '@hono/zod-openapi';
import { parseTimeParam } from '../dashboard/window.js';

const INSTANT_MESSAGE = 'must be an ISO-8601 date or date-time with an offset (2026-12-01T00:00:00Z), or Unix ms';

/** An instant as ISO-8601 or Unix milliseconds, parsed to Unix ms (one parser for every measurement route). */
export const instantParam = z
  .string()
  .transform((text, ctx) => {
    const ms = parseTimeParam(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: INSTANT_MESSAGE });
      return z.NEVER;
    }
    return ms;
  })
  .openapi({ type: 'string', example: '2026-11-01T00:00:00Z', description: 'ISO-8601 or Unix ms' });
