/**
 * The loop's learner: folds each slot's final reward into the answered action's posterior. A slot is final when its
 * first reward comes under `earliest` (queued by the reward path), or when its event's wait time ends (the
 * aggregate, or the default reward when none came). Apprentice events learn the baseline's rewards (the baseline
 * is what was answered); LoggingOnly events are closed without learning. One cycle is one transaction: the new
 * posteriors, the learned slots and the closed events commit together, so a crash neither loses nor repeats one.
 *
 * It runs on the serving thread: a fold is a rank-one update of a 65×65 factor (≈ 10⁴ flops), so a full batch of
 * 2,000 slots costs a few milliseconds and no worker round trip is worth it.
 */
import { updatePosteriorGuarded } from '../core/update.js';
import type { Posterior } from '../core/types.js';
import type { LoopState } from './loop-state.js';
import type { DueSlot, PersonalizerStore } from './store.js';
import { groupByAction, type LabelledRow } from '../learner/fold.js';
import { PERSONALIZER_DIMENSION, type FlatFeature } from './types.js';

const DAY_MS = 86_400_000;
/** Closed events past logRetentionDays are deleted, last-seen times stored and stale actions retired this often. */
const RETENTION_EVERY_MS = 60_000;

export interface LoopLearnerDeps {
  store: PersonalizerStore;
  state: LoopState;
  prior: () => Posterior;
  now: () => number;
  intervalMs: number;
  /** A wake folds no sooner than this after the previous cycle. */
  minGapMs: number;
  /** Events (and queued slots) per cycle. */
  batchLimit: number;
  /** logRetentionDays of the current configuration (-1: keep forever). */
  retentionDays: () => number;
  /** Actions no rank has named for this long are retired with their models; null: never. */
  actionTtlMs: number | null;
  onRetired?: (ids: string[]) => void;
  onError: (error: unknown) => void;
  onCycle?: (info: CycleInfo) => void;
}

export interface CycleInfo {
  /** Slots closed: learned, or logged (LoggingOnly). */
  learned: number;
  /** Of them, with a reward that came; the rest took the default reward. */
  given: number;
  /** Folded into a posterior (LoggingOnly and refused ones are not). */
  folded: number;
  closed: number;
  dropped: number;
  refused: number;
}

export interface LoopLearner {
  /** Queues a slot whose reward is final and wakes the learner. */
  ready(eventId: string, slotIndex: number): void;
  /** Runs one cycle now (tests drive the learner with it); returns how many slots it learned or logged. */
  cycle(): number;
  start(): void;
  stop(): void;
}

export function createLoopLearner(deps: LoopLearnerDeps): LoopLearner {
  const queue = new Map<string, { eventId: string; slotIndex: number }>();
  let timer: NodeJS.Timeout | undefined;
  let wakeTimer: NodeJS.Timeout | undefined;
  let lastCycle = 0;
  let lastRetention = 0;
  let running = false;

  const cycle = (): number => {
    const now = deps.now();
    const dropped = deps.store.dropUnactivated(now);
    const keys = [...queue.values()].slice(0, deps.batchLimit);
    for (const k of keys) queue.delete(`${k.eventId}\u0000${k.slotIndex}`);
    const due = deps.store.dueSlots(now, deps.batchLimit);
    const slots = new Map<string, DueSlot>();
    for (const s of [...deps.store.readySlots(keys), ...due.slots]) slots.set(`${s.eventId}\u0000${s.slotIndex}`, s);

    const learned: { eventId: string; slotIndex: number; reward: number }[] = [];
    const rows: LabelledRow[] = [];
    let given = 0;
    for (const s of slots.values()) {
      if (s.rewarded) given++;
      learned.push({ eventId: s.eventId, slotIndex: s.slotIndex, reward: s.reward });
      if (s.mode !== 'LoggingOnly') rows.push({ actionId: s.actionId, x: s.x, y: s.reward });
    }
    const models: { actionId: string; featuresJson: string; features: FlatFeature[]; posterior: Posterior }[] = [];
    let refused = 0;
    let folded = 0;
    for (const [actionId, batch] of groupByAction(rows, PERSONALIZER_DIMENSION)) {
      const action = deps.state.get(actionId);
      const result = updatePosteriorGuarded(action?.posterior ?? deps.prior(), batch);
      refused += result.refused;
      folded += batch.n - result.refused;
      models.push({ actionId, featuresJson: action?.featuresJson ?? '[]', features: action?.features ?? [], posterior: result.posterior });
    }
    if (learned.length > 0 || due.events.length > 0) {
      deps.store.commitLearning({ models, learned, closed: due.events, now });
      for (const m of models) deps.state.setPosterior(m.actionId, m.posterior);
    }
    if (now - lastRetention >= RETENTION_EVERY_MS) {
      lastRetention = now;
      const days = deps.retentionDays();
      if (days >= 0) deps.store.pruneClosed(now - days * DAY_MS);
      deps.store.touchActions(deps.state.takeSeen());
      if (deps.actionTtlMs !== null) {
        const retired = deps.store.retireActions(now - deps.actionTtlMs);
        for (const id of retired) deps.state.remove(id);
        if (retired.length > 0) deps.onRetired?.(retired);
      }
    }
    lastCycle = Date.now();
    if (learned.length > 0 || dropped > 0) deps.onCycle?.({ learned: learned.length, given, folded, closed: due.events.length, dropped, refused });
    // A full batch leaves more behind: go on at once rather than wait for the next tick.
    if ((due.events.length >= deps.batchLimit || queue.size > 0) && timer) schedule(0);
    return learned.length;
  };

  const safeCycle = () => {
    if (running) return;
    running = true;
    try {
      cycle();
    } catch (error) {
      deps.onError(error);
    } finally {
      running = false;
    }
  };

  function schedule(delay: number): void {
    if (wakeTimer) return;
    wakeTimer = setTimeout(() => {
      wakeTimer = undefined;
      safeCycle();
    }, delay);
    wakeTimer.unref?.();
  }

  return {
    ready(eventId, slotIndex) {
      queue.set(`${eventId}\u0000${slotIndex}`, { eventId, slotIndex });
      if (timer) schedule(Math.max(0, deps.minGapMs - (Date.now() - lastCycle)));
    },
    cycle,
    start() {
      if (timer) return;
      timer = setInterval(safeCycle, deps.intervalMs);
      timer.unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      if (wakeTimer) clearTimeout(wakeTimer);
      timer = undefined;
      wakeTimer = undefined;
    },
  };
}
