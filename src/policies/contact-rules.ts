/**
 * The contact policy evaluated over one customer's contact history (DESIGN.md §8.2). Pure: no I/O, no clock — the
 * decision path reads the rows (ContactStore.recent) and passes `now`. Unix ms throughout.
 */
import type { ActiveSuppression, ChannelRecord, CompiledContactPolicy, CompiledSuppression, ContactRow } from './types.js';

/** Distinct decisions that contacted the customer on `channel` after `since` (exclusive). */
export function contactsWithin(rows: readonly ContactRow[], channel: string, since: number): number {
  const decisions = new Set<string>();
  for (const row of rows) if (row.channel === channel && row.at > since) decisions.add(row.decisionId);
  return decisions.size;
}

/**
 * The latest outcome time t with now − forMs < t ≤ now such that at least `after` of `times` (ascending) fall in
 * (t − withinMs, t]; undefined when none. Two pointers over the sorted times: O(n).
 */
function latestTrigger(times: readonly number[], rule: CompiledSuppression, now: number): number | undefined {
  let latest: number | undefined;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    const t = times[hi]!;
    if (t > now) break;
    while (times[lo]! <= t - rule.withinMs) lo++;
    // Equal times all count at t: extend hi over them before judging this t.
    let last = hi;
    while (last + 1 < times.length && times[last + 1] === t) last++;
    if (last - lo + 1 >= rule.after && t > now - rule.forMs) latest = t;
    hi = last;
  }
  return latest;
}

/**
 * Every suppression in force at `now`. Rule semantics (DESIGN.md §8.2): "after `after` outcomes of kind `outcome`
 * for the action (or its category) within `within`, it is not offered for `for`" — suppressed at `now` iff there is
 * an outcome time t with now − for < t ≤ now and at least `after` such outcomes in (t − within, t]; `until` is the
 * latest such t + for. A rule with `categories` only counts and suppresses actions of those categories. Ordered by
 * rule, then id.
 */
export function activeSuppressions(rules: readonly CompiledSuppression[], rows: readonly ContactRow[], now: number): ActiveSuppression[] {
  const out: ActiveSuppression[] = [];
  for (const rule of rules) {
    const timesById = new Map<string, number[]>();
    for (const row of rows) {
      if (row.outcome !== rule.outcome || row.outcomeAt === null) continue;
      if (rule.categories && !rule.categories.includes(row.category)) continue;
      const id = rule.scope === 'action' ? row.actionId : row.category;
      const times = timesById.get(id);
      if (times) times.push(row.outcomeAt);
      else timesById.set(id, [row.outcomeAt]);
    }
    const found: ActiveSuppression[] = [];
    for (const [id, times] of timesById) {
      if (times.length < rule.after) continue;
      times.sort((a, b) => a - b);
      const t = latestTrigger(times, rule, now);
      if (t !== undefined) found.push({ scope: rule.scope, id, until: t + rule.forMs, rule: rule.index });
    }
    found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    out.push(...found);
  }
  return out;
}

/** Whether an action is suppressed by any of `suppressions` (its own id, or its category). */
export function isSuppressed(suppressions: readonly ActiveSuppression[], actionId: string, category: string): boolean {
  return suppressions.some((s) => (s.scope === 'action' ? s.id === actionId : s.id === category));
}

/**
 * How far back (ms) the decision path must read a customer's contacts to judge every limit and suppression: the
 * longest channel limit period and the longest `within + for` of a rule. 0 when there is nothing to judge.
 */
export function historyLookback(policy: CompiledContactPolicy, channels: readonly ChannelRecord[]): number {
  let longest = 0;
  for (const channel of channels) if (channel.limit) longest = Math.max(longest, channel.limit.perMs);
  for (const rule of policy.suppression) longest = Math.max(longest, rule.withinMs + rule.forMs);
  return longest;
}

/** How far back (ms) a suppression rule can look from now: the longest `within + for`; 0 with no rule. */
export function suppressionLookback(policy: CompiledContactPolicy): number {
  let longest = 0;
  for (const rule of policy.suppression) longest = Math.max(longest, rule.withinMs + rule.forMs);
  return longest;
}

/**
 * The propensity and priority thresholds on a channel: the channel's own, else the policy's default, else none (−∞)
 * for propensity and `minPriority` (KAIROS_MIN_PRIORITY) for priority. No propensity threshold is −∞, not 0: a linear
 * action's draw is a reward and may be negative, and a v1 deployment (no policy) must decide as it did.
 */
export function thresholdsFor(
  policy: CompiledContactPolicy,
  channelId: string,
  minPriority = 0,
): { propensity: number; priority: number } {
  const { propensity, priority } = policy.document.thresholds;
  return {
    propensity: propensity?.channels?.[channelId] ?? propensity?.default ?? Number.NEGATIVE_INFINITY,
    priority: priority?.channels?.[channelId] ?? priority?.default ?? minPriority,
  };
}
