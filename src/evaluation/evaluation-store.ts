/**
 * The storage port of off-policy evaluations (DESIGN.md §9.2): the `evaluations` table and the summary of a log
 * window that decides, before anything runs, whether the window can be evaluated. The SQLite implementation is
 * db/stores/evaluations.ts; the worker reads the window itself through its own connection.
 */
import type { EvaluationRequest, ReplayOutcome } from './types.js';

export type EvaluationStatus = 'running' | 'done' | 'failed';

export interface EvaluationRecord {
  id: string;
  /** Unix ms. */
  createdAt: number;
  status: EvaluationStatus;
  /** 0–1. */
  progress: number;
  request: EvaluationRequest;
  /** Logged decisions in the window. */
  rows: number;
  outcome: ReplayOutcome | null;
  error: string | null;
  finishedAt: number | null;
}

/** What a window of the log holds, for the checks before an evaluation starts. */
export interface WindowSummary {
  decisions: number;
  closed: number;
  /**
   * Decisions made with probabilities off or not logged (before migration 0004), or whose logged probability of
   * their choice is 0 or missing: never weighted as 1, so their window is refused.
   */
  unusable: number;
  /** created_at of the first and last unusable decision (Unix ms); null when there is none. */
  unusableFrom: number | null;
  unusableTo: number | null;
}

export interface EvaluationStore {
  summarize(window: { from: number; to: number; channel: string | null }): WindowSummary;
  create(record: EvaluationRecord): void;
  setProgress(id: string, progress: number): void;
  finish(id: string, outcome: ReplayOutcome, at: number): void;
  fail(id: string, error: string, at: number): void;
  get(id: string): EvaluationRecord | undefined;
  /** Newest first. */
  list(limit: number): EvaluationRecord[];
  /** Marks every evaluation still 'running' as failed (their process died); returns how many. */
  failRunning(error: string, at: number): number;
}
