/** Channels and the contact policy as the HTTP layer sees them (DESIGN.md §8.2), and the channel check of the decision path. */
import type { EngineState } from '../domain/engine-state.js';
import { AppError } from '../errors.js';
import type { ChannelStore, ContactPolicyStore } from './channel-store.js';
import { compileChannel, toChannel } from './compile.js';
import { channelProblems, contactPolicyProblems } from './policy-checks.js';
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

export function createPolicyService(deps: PolicyServiceDeps): PolicyService {
  const { state } = deps;
  const notFound = (channelId: string) =>
    new AppError('not_found', `channel '${channelId}' does not exist`, [{ field: 'channelId', message: 'no such channel' }]);
  return {
    putChannel(channelId, input) {
      const problems = channelProblems(input);
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
      const problems = contactPolicyProblems(policy, (channelId) => state.policies.channel(channelId) !== undefined);
      if (problems.length > 0) throw new AppError('validation', 'the contact policy is invalid', problems);
      const stored: ContactPolicy = { suppression: policy.suppression, thresholds: policy.thresholds ?? {} };
      deps.contactPolicy.put(stored, deps.now());
      state.policies.reloadPolicies();
      return state.policies.contactPolicy().document;
    },
    getContactPolicy: () => state.policies.contactPolicy().document,
  };
}
