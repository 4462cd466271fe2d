/** Channels and the contact policy as the HTTP layer sees them (DESIGN.md §8.2), and the channel check of the decision path. */
import { parsePolicyDuration, POLICY_DURATION_MESSAGE } from '../core/duration.js';
import type { EngineState } from '../domain/engine-state.js';
import { AppError, type FieldProblem } from '../errors.js';
import type { ChannelStore, ContactPolicyStore } from './channel-store.js';
import { compileChannel, toChannel } from './compile.js';
import type { ContactPolicy, PolicyService } from './types.js';

export interface PolicyServiceDeps {
  channels: ChannelStore;
  contactPolicy: ContactPolicyStore;
  state: EngineState;
  now: () => number;
}

/**
 * Throws the 422 naming `channel` when channels are declared and `channelId` is not one of them (DESIGN.md §8.2).
 * Reads memory only (EngineState's policy cache).
 */
export function checkChannel(state: EngineState, channelId: string): void {
  const policies = state.policies;
  if (policies.channels().length === 0 || policies.channel(channelId)) return;
  throw new AppError('unprocessable', `channel '${channelId}' is not declared`, [
    { field: 'channel', message: `no declared channel '${channelId}' (GET /v1/channels lists them)` },
  ]);
}

/** Every threshold channel that is not declared, named by its field. */
function undeclaredThresholdChannels(policy: ContactPolicy, state: EngineState): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const kind of ['propensity', 'priority'] as const) {
    for (const channelId of Object.keys(policy.thresholds[kind]?.channels ?? {})) {
      if (!state.policies.channel(channelId)) {
        problems.push({ field: `thresholds.${kind}.channels.${channelId}`, message: `channel '${channelId}' is not declared` });
      }
    }
  }
  return problems;
}

/** Durations again (the HTTP schema checks them first): the service is also called by seeding code. */
function badDurations(entries: readonly [string, string | undefined][]): FieldProblem[] {
  return entries
    .filter(([, text]) => text !== undefined && parsePolicyDuration(text) === undefined)
    .map(([field]) => ({ field, message: POLICY_DURATION_MESSAGE }));
}

export function createPolicyService(deps: PolicyServiceDeps): PolicyService {
  const { state } = deps;
  const notFound = (channelId: string) =>
    new AppError('not_found', `channel '${channelId}' does not exist`, [{ field: 'channelId', message: 'no such channel' }]);
  return {
    putChannel(channelId, input) {
      const problems = badDurations([['limit.per', input.limit?.per]]);
      if (problems.length > 0) throw new AppError('validation', 'the channel is invalid', problems);
      const { record, created } = deps.channels.upsert(
        {
          id: channelId,
          name: input.name,
          direction: input.direction,
          contactCost: input.contactCost ?? 0,
          limitContacts: input.limit?.contacts ?? null,
          limitPer: input.limit?.per ?? null,
        },
        deps.now(),
      );
      state.policies.reloadPolicies();
      return { channel: toChannel(compileChannel(record)), created };
    },
    listChannels: () => state.policies.channels().map(toChannel),
    getChannel(channelId) {
      const channel = state.policies.channel(channelId);
      if (!channel) throw notFound(channelId);
      return toChannel(channel);
    },
    putContactPolicy(policy) {
      const problems = [
        ...badDurations(policy.suppression.flatMap((rule, i): [string, string][] => [[`suppression.${i}.within`, rule.within], [`suppression.${i}.for`, rule.for]])),
        ...undeclaredThresholdChannels(policy, state),
      ];
      if (problems.length > 0) throw new AppError('validation', 'the contact policy is invalid', problems);
      const stored: ContactPolicy = { suppression: policy.suppression, thresholds: policy.thresholds ?? {} };
      deps.contactPolicy.put(stored, deps.now());
      state.policies.reloadPolicies();
      return state.policies.contactPolicy().document;
    },
    getContactPolicy: () => state.policies.contactPolicy().document,
  };
}
