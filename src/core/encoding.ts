/**
 * Feature encoding: a declared schema turns a context object (and the request's channel) into the vector x that
 * every action's model reads. Layout of x, in order:
 *
 *   [bias] [one block per feature, in declaration order] [channel block, when channels are declared]
 *   [history.ignores, history.contacts, when the schema declares `contactHistory`]
 *
 * - `bias`: always 1 (the intercept; src/core/prior.ts gives it its own prior).
 * - numeric `age` → one slot: (v−min)/(max−min) clipped to [0, 1]; or (v−mean)/std clipped to [−5, 5]; or raw,
 *   clipped to ±RAW_NUMERIC_CLIP (limits.ts). Clipping keeps one outlier from dominating xᵀθ (and the Laplace step's
 *   curvature) for the whole model, and keeps every slot finite whatever finite number a client sends.
 * - categorical `segment` → `segment=a`, …, `segment=other` (one-hot; unknown values land in `other`).
 * - set `products` → `products:mortgage`, … (multi-hot; unknown members are ignored).
 * - boolean `vip` → one slot (true = 1).
 * - channel block → `channel=app`, …, `channel=other`.
 * - contact history (DESIGN.md §4, fatigue is learned): `history.ignores` = this customer's ignores of THIS action
 *   within the window (it differs per action: the caller passes it to `decide` as `slotOverride`), `history.contacts`
 *   = this customer's contacts on this channel within the window; each count n enters as `encodeHistoryCount(n)`.
 *   `encodeContext` leaves both 0 (no history known); the decision path and the learner fill them.
 * A missing (undefined or null) feature encodes as all zeros: "no evidence", so it moves no weight.
 */

import { parsePolicyDuration } from './duration.js';
import { BIAS_SLOT, featureSlots, OTHER, type ContactHistorySpec, type EncodingProblem, type FeatureSpec } from './feature-spec.js';
import { validateContactHistory, validateFeatureSpecs } from './feature-validation.js';

export { BIAS_SLOT, featureSlots, type ContactHistorySpec, type EncodingProblem, type EventFeed, type FeatureSpec } from './feature-spec.js';
export { eventTtlMs, validateContactHistory, validateFeatureSpecs } from './feature-validation.js';
import { RAW_NUMERIC_CLIP } from './limits.js';

/** A compiled schema. `slots[i]` names x[i]; `slots.length === dimension`; `slots[0] === 'bias'`. */
export interface Encoder {
  features: readonly FeatureSpec[];
  channels: readonly string[];
  /** The contact-history option: two slots after the channel block, counted within `window` (a policy duration). */
  contactHistory?: Readonly<ContactHistorySpec>;
  dimension: number;
  slots: readonly string[];
}

/** Names of the contact-history slots. */
export const HISTORY_IGNORES_SLOT = 'history.ignores';
export const HISTORY_CONTACTS_SLOT = 'history.contacts';

/**
 * Counts beyond this encode like it: x = log1p(min(n, C)) / log1p(C), in [0, 1]. Why this shape: the first ignores
 * say the most about a customer's interest and later ones less — the log keeps the slot's effect concave in n — and
 * the cap keeps one customer's long history from putting x far outside the range the models have seen. Measured
 * (`npm run bench:regret -- --dataset fatigue --compare-encodings`, seeds 1–5, a truth linear in the raw counts on
 * the logit scale): cumulative value 1,088 ± 233 with this encoding against 98 ± 140 with min(n, C)/C, and −1,317 ± 95
 * without the slots. The linear encoding spends most of its [0, 1] range on counts the window rarely holds, so the
 * models see little difference between 0, 1 and 2 ignores, where the decisions are made.
 */
export const HISTORY_COUNT_CAP = 10;
const HISTORY_NORM = Math.log1p(HISTORY_COUNT_CAP);

/** The slot value of a contact-history count n ≥ 0 (negative and NaN counts encode as 0). */
export function encodeHistoryCount(n: number): number {
  if (!(n > 0)) return 0;
  return n >= HISTORY_COUNT_CAP ? 1 : Math.log1p(n) / HISTORY_NORM;
}

/** Bound of a standardised numeric feature, in standard deviations. */
export const STANDARDISED_CLIP = 5;

type Block =
  | { kind: 'numeric'; name: string; offset: number; shift: number; scale: number; lo: number; hi: number }
  | { kind: 'boolean'; name: string; offset: number }
  | { kind: 'categorical'; name: string; offset: number; size: number; index: ReadonlyMap<string, number> }
  | { kind: 'set'; name: string; offset: number; size: number; index: ReadonlyMap<string, number> };

interface Plan {
  history?: { ignores: number; contacts: number; windowMs: number };
  blocks: Block[];
  names: ReadonlySet<string>;
  channelOffset: number;
  channelIndex: ReadonlyMap<string, number>;
  channelCount: number;
}

const plans = new WeakMap<Encoder, Plan>();

/**
 * Whether two schemas encode every context identically: the same features (by value, whatever the key order of
 * their specs) in the same order, the same channels in the same order, and the same contact-history window. An event
 * feed's TTL counts too: it changes which sets the contexts carry, so a new TTL is a new schema version.
 */
export function sameSchema(
  a: { features: readonly FeatureSpec[]; channels: readonly string[]; contactHistory?: ContactHistorySpec | undefined },
  b: { features: readonly FeatureSpec[]; channels: readonly string[]; contactHistory?: ContactHistorySpec | undefined },
): boolean {
  if (a.features.length !== b.features.length || a.channels.length !== b.channels.length) return false;
  // Windows compare by length (`30d` = `720h`): they count the same history.
  const windowOf = (h: ContactHistorySpec | undefined): number | undefined => (h ? parsePolicyDuration(h.window) : undefined);
  if (windowOf(a.contactHistory) !== windowOf(b.contactHistory)) return false;
  if (a.channels.some((c, i) => c !== b.channels[i])) return false;
  return a.features.every((f, i) => JSON.stringify(copySpec(f)) === JSON.stringify(copySpec(b.features[i]!)));
}

function copySpec(spec: FeatureSpec): FeatureSpec {
  switch (spec.type) {
    case 'numeric': {
      const out: FeatureSpec = { name: spec.name, type: 'numeric' };
      if (spec.min !== undefined) out.min = spec.min;
      if (spec.max !== undefined) out.max = spec.max;
      if (spec.mean !== undefined) out.mean = spec.mean;
      if (spec.std !== undefined) out.std = spec.std;
      return Object.freeze(out);
    }
    case 'categorical':
      return Object.freeze({ name: spec.name, type: spec.type, values: Object.freeze([...spec.values]) as string[] });
    case 'set': {
      const values = Object.freeze([...spec.values]) as string[];
      if (!spec.events) return Object.freeze({ name: spec.name, type: spec.type, values });
      return Object.freeze({ name: spec.name, type: spec.type, values, events: Object.freeze({ ttl: spec.events.ttl }) });
    }
    case 'boolean':
      return Object.freeze({ name: spec.name, type: 'boolean' });
  }
}

function numericBlock(spec: Extract<FeatureSpec, { type: 'numeric' }>, offset: number): Block {
  const base = { kind: 'numeric' as const, name: spec.name, offset };
  if (spec.min !== undefined && spec.max !== undefined) {
    return { ...base, shift: spec.min, scale: 1 / (spec.max - spec.min), lo: 0, hi: 1 };
  }
  if (spec.mean !== undefined && spec.std !== undefined) {
    return { ...base, shift: spec.mean, scale: 1 / spec.std, lo: -STANDARDISED_CLIP, hi: STANDARDISED_CLIP };
  }
  return { ...base, shift: 0, scale: 1, lo: -RAW_NUMERIC_CLIP, hi: RAW_NUMERIC_CLIP };
}

/** Compiles a schema. Throws RangeError when the features or channels are invalid (see validateFeatureSpecs). */
export function compileEncoder(spec: {
  features: readonly FeatureSpec[];
  channels: readonly string[];
  contactHistory?: ContactHistorySpec | undefined;
}): Encoder {
  const problems = [...validateFeatureSpecs(spec.features), ...validateContactHistory(spec.contactHistory)];
  if (problems.length > 0) {
    throw new RangeError(`invalid feature schema: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  }
  const seenChannels = new Set<string>();
  for (const channel of spec.channels) {
    if (typeof channel !== 'string' || channel.trim() === '') throw new RangeError('a channel must be a non-empty string');
    if (channel === OTHER) throw new RangeError(`channel '${OTHER}' is reserved for channels outside the list`);
    if (seenChannels.has(channel)) throw new RangeError(`channel '${channel}' is listed twice`);
    seenChannels.add(channel);
  }
  const features = Object.freeze(spec.features.map(copySpec));
  const channels = Object.freeze([...spec.channels]);
  const slots: string[] = [BIAS_SLOT];
  const blocks: Block[] = [];
  for (const f of features) {
    const offset = slots.length;
    const names = featureSlots(f);
    if (f.type === 'numeric') blocks.push(numericBlock(f, offset));
    else if (f.type === 'boolean') blocks.push({ kind: 'boolean', name: f.name, offset });
    else blocks.push({ kind: f.type, name: f.name, offset, size: names.length, index: new Map(f.values.map((v, k) => [v, k])) });
    slots.push(...names);
  }
  const channelOffset = slots.length;
  if (channels.length > 0) slots.push(...channels.map((c) => `channel=${c}`), `channel=${OTHER}`);
  const history = spec.contactHistory
    ? { ignores: slots.length, contacts: slots.length + 1, windowMs: parsePolicyDuration(spec.contactHistory.window)! }
    : undefined;
  if (history) slots.push(HISTORY_IGNORES_SLOT, HISTORY_CONTACTS_SLOT);
  if (new Set(slots).size !== slots.length) {
    const dup = slots.find((s, i) => slots.indexOf(s) !== i);
    throw new RangeError(`slot '${dup}' appears twice (a feature collides with the channel block)`);
  }
  const base = { features, channels, dimension: slots.length, slots: Object.freeze(slots) };
  const encoder: Encoder = Object.freeze(
    spec.contactHistory ? { ...base, contactHistory: Object.freeze({ window: spec.contactHistory.window }) } : base,
  );
  plans.set(encoder, {
    ...(history ? { history } : {}),
    blocks,
    names: new Set(features.map((f) => f.name)),
    channelOffset,
    channelIndex: new Map(channels.map((c, k) => [c, k])),
    channelCount: channels.length,
  });
  return encoder;
}

/**
 * Where the contact-history slots are in x, and the window they count over (ms); undefined when the schema has no
 * `contactHistory` option.
 */
export function historySlotsOf(enc: Encoder): { ignores: number; contacts: number; windowMs: number } | undefined {
  return planOf(enc).history;
}

function planOf(enc: Encoder): Plan {
  let plan = plans.get(enc);
  if (!plan) {
    // An Encoder built by hand (not by compileEncoder): compile its spec once and remember the plan.
    plan = plans.get(compileEncoder(enc))!;
    plans.set(enc, plan);
  }
  return plan;
}

/**
 * Encodes `context` on `channel` into `out` (length ≥ enc.dimension; the first `dimension` entries are all
 * overwritten, even when there are problems). A value of the wrong type is a problem on `context.<name>` and
 * encodes as missing; keys the schema does not declare are listed in `unknownKeys` and otherwise ignored.
 */
export function encodeContext(
  enc: Encoder,
  context: Record<string, unknown>,
  channel: string,
  out: Float64Array,
): { problems: EncodingProblem[]; unknownKeys: string[] } {
  if (out.length < enc.dimension) throw new RangeError(`out has length ${out.length}, expected ${enc.dimension}`);
  const plan = planOf(enc);
  const problems: EncodingProblem[] = [];
  out.fill(0, 0, enc.dimension);
  out[0] = 1;
  for (const block of plan.blocks) {
    // Own properties only: a feature named 'constructor' must not read Object.prototype.constructor.
    const value = Object.hasOwn(context, block.name) ? context[block.name] : undefined;
    if (value === undefined || value === null) continue;
    switch (block.kind) {
      case 'numeric':
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          problems.push({ field: `context.${block.name}`, message: 'must be a finite number' });
        } else {
          // (v − shift)·scale can overflow to ±∞ (clipped below) but never be NaN for a schema within the limits;
          // a stored schema from before them could make it 0·∞, which encodes as missing rather than as NaN.
          const z = (value - block.shift) * block.scale;
          out[block.offset] = z >= block.hi ? block.hi : z <= block.lo ? block.lo : z === z ? z : 0;
        }
        break;
      case 'boolean':
        if (typeof value !== 'boolean') problems.push({ field: `context.${block.name}`, message: 'must be a boolean' });
        else out[block.offset] = value ? 1 : 0;
        break;
      case 'categorical':
        if (typeof value !== 'string') problems.push({ field: `context.${block.name}`, message: 'must be a string' });
        else out[block.offset + (block.index.get(value) ?? block.size - 1)] = 1;
        break;
      case 'set':
        if (!Array.isArray(value) || value.some((m) => typeof m !== 'string')) {
          problems.push({ field: `context.${block.name}`, message: 'must be an array of strings' });
        } else {
          for (const member of value as string[]) {
            const k = block.index.get(member);
            if (k !== undefined) out[block.offset + k] = 1;
          }
        }
        break;
    }
  }
  if (plan.channelCount > 0) out[plan.channelOffset + (plan.channelIndex.get(channel) ?? plan.channelCount)] = 1;
  const unknownKeys: string[] = [];
  for (const key of Object.keys(context)) if (!plan.names.has(key)) unknownKeys.push(key);
  return { problems, unknownKeys };
}
