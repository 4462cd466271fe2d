/**
 * The replay's view of the service as it stands: the current catalog, each channel's thresholds and contact cost
 * (the contact policy's, else the configured minimum priority — per candidate), the schema, and the service's own
 * learning and decision settings as the baseline every candidate overrides.
 */
import { historySlotsOf } from '../core/encoding.js';
import type { EngineState } from '../domain/engine-state.js';
import type { ChannelRule, PolicySettings, ReplaySetup } from './types.js';

export type ServiceSetup = Omit<ReplaySetup, 'policies' | 'seed'>;

export function serviceSetup(state: EngineState, baseline: PolicySettings, learner: { intervalMs: number; batchRows: number }): ServiceSetup {
  const { propensity, priority } = state.policies.contactPolicy().document.thresholds;
  const ruleFor = (channelId: string, contactCost: number | undefined): ChannelRule => ({
    propensityThreshold: propensity?.channels?.[channelId] ?? propensity?.default ?? Number.NEGATIVE_INFINITY,
    priorityThreshold: priority?.channels?.[channelId] ?? priority?.default ?? null,
    contactCost,
  });
  const channels: Record<string, ChannelRule> = {};
  // Thresholds the contact policy sets for a channel that is not declared (v1 decisions) apply there too, with no cost.
  for (const id of new Set([...Object.keys(propensity?.channels ?? {}), ...Object.keys(priority?.channels ?? {})])) channels[id] = ruleFor(id, undefined);
  for (const channel of state.policies.channels()) channels[channel.id] = ruleFor(channel.id, channel.contactCost);
  const encoder = state.encoder();
  return {
    dimension: encoder.dimension,
    schemaVersion: state.schema().version,
    actions: state.actions().map((a) => ({ id: a.id, value: a.value, lever: a.lever, likelihood: a.likelihood, mandatory: a.mandatory })),
    channels,
    defaultRule: { propensityThreshold: propensity?.default ?? Number.NEGATIVE_INFINITY, priorityThreshold: priority?.default ?? null, contactCost: undefined },
    historyIgnoresSlot: historySlotsOf(encoder)?.ignores ?? null,
    learnerIntervalMs: learner.intervalMs,
    learnerBatchRows: learner.batchRows,
    baseline,
  };
}
