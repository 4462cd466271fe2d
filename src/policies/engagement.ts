/**
 * The engagement-policy fields of an action PUT (DESIGN.md §8.3) checked and converted for storage: the eligibility
 * rule must compile (its position is named), the schedule must be a non-empty window, and once channels are declared
 * every channel the action lists must be one of them (§8.2).
 */
import type { EngagementPolicy } from '../../db/stores/catalog.js';
import type { FieldProblem } from '../errors.js';
import type { ActionInput } from '../domain/types.js';
import { compileEligibility } from './eligibility.js';
import type { PolicyCache } from './policy-cache.js';

export type EngagementFields = EngagementPolicy;

function instant(text: string | undefined, field: string, problems: FieldProblem[]): number | null {
  if (text === undefined) return null;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) {
    problems.push({ field, message: 'must be an ISO-8601 date-time, e.g. 2026-12-01T00:00:00Z' });
    return null;
  }
  return ms;
}

/** The declared channels (the policy cache, or a snapshot's channels before they are written). */
export type DeclaredChannels = Pick<PolicyCache, 'channels' | 'channel'>;

/** Once channels are declared (§8.2), each of `channels` that is not one of them, named `channels.<i>`. */
export function undeclaredChannels(channels: readonly string[] | undefined, policies: DeclaredChannels): FieldProblem[] {
  if (policies.channels().length === 0 || !channels) return [];
  return channels.flatMap((channel, i) =>
    policies.channel(channel) ? [] : [{ field: `channels.${i}`, message: `channel '${channel}' is not declared (PUT /v1/channels/${channel})` }],
  );
}

/** Appends every problem to `problems` and returns the fields to store (meaningful only when none were added). */
export function checkEngagementPolicies(input: ActionInput, policies: DeclaredChannels, problems: FieldProblem[]): EngagementFields {
  if (input.eligibility !== undefined) {
    const compiled = compileEligibility(input.eligibility);
    if (!compiled.ok) {
      problems.push({ field: 'eligibility', message: `line ${compiled.line}, column ${compiled.column}: ${compiled.message}` });
    }
  }
  const startAt = instant(input.startAt, 'startAt', problems);
  const endAt = instant(input.endAt, 'endAt', problems);
  if (startAt !== null && endAt !== null && endAt <= startAt) problems.push({ field: 'endAt', message: 'must be after startAt' });
  problems.push(...undeclaredChannels(input.channels, policies));
  return {
    eligibility: input.eligibility ?? null,
    startAt,
    endAt,
    dailyCap: input.dailyCap ?? null,
    mandatory: input.mandatory ?? false,
  };
}
