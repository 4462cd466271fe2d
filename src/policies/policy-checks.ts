/**
 * The domain checks of a channel and a contact policy beyond their shape (the HTTP schemas check that first), shared by
 * the policy service and the snapshot import, so a channel or policy refused by the API is refused in a file too.
 */
import { parsePolicyDuration, POLICY_DURATION_MESSAGE } from '../core/duration.js';
import type { FieldProblem } from '../errors.js';
import type { ChannelInput, ContactPolicy } from './types.js';

/** Durations again (the HTTP schema checks them first): the service is also called by seeding code. */
export function badDurations(entries: readonly [string, string | undefined][]): FieldProblem[] {
  return entries
    .filter(([, text]) => text !== undefined && parsePolicyDuration(text) === undefined)
    .map(([field]) => ({ field, message: POLICY_DURATION_MESSAGE }));
}

export function channelProblems(input: ChannelInput): FieldProblem[] {
  return badDurations([['limit.per', input.limit?.per]]);
}

/** Every threshold channel for which `isDeclared` is false, named by its field. */
export function undeclaredThresholdChannels(policy: ContactPolicy, isDeclared: (channelId: string) => boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const kind of ['propensity', 'priority'] as const) {
    for (const channelId of Object.keys(policy.thresholds[kind]?.channels ?? {})) {
      if (!isDeclared(channelId)) {
        problems.push({ field: `thresholds.${kind}.channels.${channelId}`, message: `channel '${channelId}' is not declared` });
      }
    }
  }
  return problems;
}

/** Bad durations of the suppression rules, then threshold channels that are not declared. */
export function contactPolicyProblems(policy: ContactPolicy, isDeclared: (channelId: string) => boolean): FieldProblem[] {
  return [
    ...badDurations(policy.suppression.flatMap((rule, i): [string, string][] => [[`suppression.${i}.within`, rule.within], [`suppression.${i}.for`, rule.for]])),
    ...undeclaredThresholdChannels(policy, isDeclared),
  ];
}
