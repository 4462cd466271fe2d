/**
 * Counts context keys that the feature schema does not know. They are ignored when encoding (a client may send
 * more than the model uses), but a data scientist wants to see them: a misspelt feature name silently teaches
 * the model nothing. Bounded, so a client sending random keys cannot grow memory without limit.
 */
export interface KeyCounter {
  add(keys: readonly string[]): void;
  snapshot(): Record<string, number>;
}

/** Distinct keys tracked at most; later new keys are counted under `(other)`. */
export const MAX_TRACKED_KEYS = 200;
/** Longer keys are counted under `(other)` too: 200 keys of up to a body limit each would otherwise be kept forever. */
export const MAX_TRACKED_KEY_LENGTH = 128;
const OVERFLOW_KEY = '(other)';

export function createKeyCounter(maxKeys = MAX_TRACKED_KEYS): KeyCounter {
  const counts = new Map<string, number>();
  return {
    add(keys) {
      for (const sent of keys) {
        const key = sent.length > MAX_TRACKED_KEY_LENGTH ? OVERFLOW_KEY : sent;
        const current = counts.get(key);
        if (current !== undefined) counts.set(key, current + 1);
        else if (counts.size < maxKeys) counts.set(key, 1);
        else counts.set(OVERFLOW_KEY, (counts.get(OVERFLOW_KEY) ?? 0) + 1);
      }
    },
    snapshot: () => Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])),
  };
}
