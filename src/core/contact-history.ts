/**
 * The decision-time half of the contact-history features (DESIGN.md §4): writes the customer's windowed counts into
 * an encoded context. `history.contacts` is shared by every action and goes into x; `history.ignores` differs per
 * action and goes into the `slotOverride` that `decide` patches per action (x[history.ignores] itself is left 0,
 * which is how the decision is stored: the learner writes each outcome's slot from decision_actions.recent_ignores).
 */
import { encodeHistoryCount, historySlotsOf, type Encoder } from './encoding.js';

/**
 * Fills x[history.contacts] with encodeHistoryCount(contacts) and values[k] with encodeHistoryCount(ignores[k]) for
 * the K candidates; returns the override for `decide`, or undefined when the schema has no contact history (x is
 * then untouched). `values` is the caller's buffer (length ≥ K), reused across decisions.
 */
export function contactHistoryOverride(
  enc: Encoder,
  x: Float64Array,
  contacts: number,
  ignores: ArrayLike<number>,
  values: Float64Array,
): { index: number; values: Float64Array } | undefined {
  const slots = historySlotsOf(enc);
  if (!slots) return undefined;
  if (values.length < ignores.length) throw new RangeError(`values needs ${ignores.length} entries`);
  x[slots.contacts] = encodeHistoryCount(contacts);
  x[slots.ignores] = 0;
  for (let k = 0; k < ignores.length; k++) values[k] = encodeHistoryCount(ignores[k]!);
  return { index: slots.ignores, values };
}
