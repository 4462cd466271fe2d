/**
 * The declared shape of a feature schema (DESIGN.md §4) and the names of the slots each feature encodes into — shared
 * by the encoder (encoding.ts) and the schema's validation (feature-validation.ts).
 */

/**
 * An event-fed set (DESIGN.md §4, §8.1): its value is the set of its `values` the customer had an event of within
 * `ttl` (a policy duration, src/core/duration.ts). The encoder does not read it: the effective context carries the
 * set (src/customers/effective-context.ts).
 */
export interface EventFeed {
  ttl: string;
}

export type FeatureSpec =
  | { name: string; type: 'numeric'; min?: number; max?: number; mean?: number; std?: number }
  | { name: string; type: 'categorical'; values: string[] }
  | { name: string; type: 'set'; values: string[]; events?: EventFeed }
  | { name: string; type: 'boolean' };

/** One problem with one input field (`features.3.values`, `context.age`). */
export interface EncodingProblem {
  field: string;
  message: string;
}

export const BIAS_SLOT = 'bias';
/** The value a categorical feature (or the channel) takes for anything outside its list. */
export const OTHER = 'other';

export interface ContactHistorySpec {
  window: string;
}

/** Slot names one feature contributes, in order. Assumes a valid spec. */
export function featureSlots(spec: FeatureSpec): string[] {
  switch (spec.type) {
    case 'numeric':
    case 'boolean':
      return [spec.name];
    case 'categorical':
      return [...spec.values.map((v) => `${spec.name}=${v}`), `${spec.name}=${OTHER}`];
    case 'set':
      return spec.values.map((v) => `${spec.name}:${v}`);
  }
}
