/** Builders for decision records in the store tests. */
import type { DecisionActionRecord, DecisionRecord } from '../../db/stores/decisions.js';

export function chosen(actionId: string, slot: number): DecisionActionRecord {
  return { actionId, slot, propensity: 0.1 + slot / 10, sampledPropensity: 0.2 + slot / 10, priority: 3.5 - slot, probability: 0.6 - slot / 10, recentIgnores: 0 };
}

export function decision(id: string, createdAt: number, actionIds: string[], overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    id,
    createdAt,
    customerId: `customer-${id}`,
    channel: 'app',
    schemaVersion: 1,
    x: Float64Array.from([1, createdAt / 1000, -0, 1 / 3]),
    seed: String(4_000_000_000 + createdAt),
    status: actionIds.length > 0 ? 'pending' : 'closed',
    actions: actionIds.map(chosen),
    activated: true,
    group: 'policy',
    ...overrides,
  };
}
