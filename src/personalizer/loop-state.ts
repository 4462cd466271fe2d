/**
 * The loop's actions and their posteriors in memory (the decision path reads nothing else), each with Λ⁻¹ kept
 * beside it so a rank scores a sparse context in O(nnz²). Loaded from the store at start; the learner, DELETE /model
 * and PUT /model replace posteriors here after their commit.
 */
import { inverseFromCholesky } from '../core/linalg.js';
import type { Posterior } from '../core/types.js';
import type { StoredAction } from './store.js';
import type { FlatFeature, LoopAction } from './types.js';

export interface LoopStateAction extends LoopAction {
  /** The features JSON as the last rank sent them: an unchanged action is not flattened again. */
  featuresJson: string;
  /** featuresJson parsed (on the first rank that compares against it): a rank's features are compared with it, not
   * serialised (core/json-equal.ts). Cleared when the features change. */
  sentFeatures?: unknown;
  /** When a rank last named it (ms); `seenStored` is what the store has. */
  lastSeenAt: number;
  seenStored: number;
}

export interface LoopState {
  get(id: string): LoopStateAction | undefined;
  all(): LoopStateAction[];
  install(action: { id: string; featuresJson: string; features: FlatFeature[]; posterior: Posterior; createdAt: number }): void;
  /** The actions ranked since their last-seen time was stored, with that time (and marks them stored). */
  takeSeen(): { id: string; at: number }[];
  setFeatures(id: string, featuresJson: string, features: FlatFeature[]): void;
  /** Forgets an action (its creation was not written). */
  remove(id: string): void;
  setPosterior(id: string, posterior: Posterior): void;
  /** Every action back to `prior` (DELETE /model). */
  resetAll(prior: () => Posterior): void;
  /** Replaces every action (PUT /model keeps the actions it does not name, at the prior). */
  replace(actions: StoredAction[], prior: () => Posterior): void;
}

function covarianceOf(post: Posterior): Float64Array {
  const out = new Float64Array(post.d * post.d);
  inverseFromCholesky(post.cholPrecision, post.d, out);
  return out;
}

export function createLoopState(stored: StoredAction[], prior: () => Posterior): LoopState {
  const actions = new Map<string, LoopStateAction>();
  const put = (a: StoredAction) => {
    const posterior = a.posterior ?? prior();
    actions.set(a.id, {
      id: a.id,
      featuresJson: a.featuresJson,
      features: a.features,
      posterior,
      covariance: covarianceOf(posterior),
      createdAt: a.createdAt,
      lastSeenAt: a.lastSeenAt,
      seenStored: a.lastSeenAt,
    });
  };
  for (const a of stored) put(a);
  return {
    get: (id) => actions.get(id),
    all: () => [...actions.values()],
    install(a) {
      actions.set(a.id, { ...a, covariance: covarianceOf(a.posterior), lastSeenAt: a.createdAt, seenStored: a.createdAt });
    },
    takeSeen() {
      const out: { id: string; at: number }[] = [];
      for (const a of actions.values()) {
        if (a.lastSeenAt > a.seenStored) {
          out.push({ id: a.id, at: a.lastSeenAt });
          a.seenStored = a.lastSeenAt;
        }
      }
      return out;
    },
    setFeatures(id, featuresJson, features) {
      const a = actions.get(id);
      if (a) {
        a.featuresJson = featuresJson;
        a.features = features;
        a.sentFeatures = undefined;
      }
    },
    remove: (id) => void actions.delete(id),
    setPosterior(id, posterior) {
      const a = actions.get(id);
      if (a) {
        a.posterior = posterior;
        a.covariance = covarianceOf(posterior);
      }
    },
    resetAll(fresh) {
      for (const a of actions.values()) {
        a.posterior = fresh();
        a.covariance = covarianceOf(a.posterior);
      }
    },
    replace(next, fresh) {
      const named = new Set(next.map((a) => a.id));
      for (const a of actions.values()) {
        if (!named.has(a.id)) {
          a.posterior = fresh();
          a.covariance = covarianceOf(a.posterior);
        }
      }
      for (const a of next) put(a);
    },
  };
}
