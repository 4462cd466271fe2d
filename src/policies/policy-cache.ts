/**
 * The policies the decision path reads from memory, kept beside the catalog in EngineState (DESIGN.md §8.2–8.3):
 * declared channels, the compiled contact policy, and each action's compiled eligibility rule. Reloaded with the
 * catalog (at start, after a PUT, and by the reload watcher when another process commits), so a decision reads no
 * channel or policy row and compiles no rule.
 */
import type { ActionRecord } from '../../db/stores/catalog.js';
import type { ChannelStore, ContactPolicyStore } from './channel-store.js';
import { compileChannel, compileContactPolicy, EMPTY_POLICY } from './compile.js';
import { compileEligibility, type EligibilityRule } from './eligibility.js';
import type { ChannelRecord, CompiledContactPolicy } from './types.js';

export interface PolicyCache {
  channels(): readonly ChannelRecord[];
  channel(channelId: string): ChannelRecord | undefined;
  contactPolicy(): CompiledContactPolicy;
  /** The action's compiled eligibility rule; undefined when it has none. */
  eligibility(actionId: string): EligibilityRule | undefined;
  /**
   * Whether the action is eligible for this customer on this channel now (true when it has no rule). An evaluation
   * error (a missing key, a non-boolean result) is not eligible, and counted per action.
   */
  isEligible(actionId: string, customer: Record<string, unknown>, channel: string, now: number): boolean;
  /** Eligibility errors per action since the process started. */
  eligibilityErrors(): Record<string, number>;
  /** Re-reads channels and the contact policy. */
  reloadPolicies(): void;
  /** Compiles the actions' rules; an unchanged source keeps its compiled program. */
  compileRules(actions: readonly ActionRecord[]): void;
}

/** A stored rule that no longer compiles (written by hand) fails closed: never eligible, counted as an error. */
const BROKEN_RULE = (source: string): EligibilityRule => ({ source, evaluate: () => 'error' });

export function createPolicyCache(stores: { channels: ChannelStore; contactPolicy: ContactPolicyStore }): PolicyCache {
  let channelList: ChannelRecord[] = [];
  let channelById = new Map<string, ChannelRecord>();
  let policy: CompiledContactPolicy = compileContactPolicy(EMPTY_POLICY);
  let rules = new Map<string, EligibilityRule>();
  const errors = new Map<string, number>();

  return {
    channels: () => channelList,
    channel: (channelId) => channelById.get(channelId),
    contactPolicy: () => policy,
    eligibility: (actionId) => rules.get(actionId),
    isEligible(actionId, customer, channel, now) {
      const rule = rules.get(actionId);
      if (!rule) return true;
      const result = rule.evaluate(customer, channel, now);
      if (result === 'error') {
        errors.set(actionId, (errors.get(actionId) ?? 0) + 1);
        return false;
      }
      return result;
    },
    eligibilityErrors: () => Object.fromEntries(errors),
    reloadPolicies() {
      channelList = stores.channels.list().map(compileChannel);
      channelById = new Map(channelList.map((c) => [c.id, c]));
      policy = compileContactPolicy(stores.contactPolicy.get() ?? EMPTY_POLICY);
    },
    compileRules(actions) {
      const next = new Map<string, EligibilityRule>();
      for (const action of actions) {
        if (action.eligibility === null) continue;
        const previous = rules.get(action.id);
        if (previous?.source === action.eligibility) {
          next.set(action.id, previous);
          continue;
        }
        const compiled = compileEligibility(action.eligibility);
        next.set(action.id, compiled.ok ? compiled.rule : BROKEN_RULE(action.eligibility));
      }
      rules = next;
    },
  };
}
