/**
 * SQLite side of the model-quality port (src/quality/quality-store.ts): the prequential prediction histograms in
 * `prediction_bins`, and the reward moments the `action_rewards` trigger keeps (migration 0004). Every read is
 * O(actions × bins): the histograms never grow with the log.
 */
import type { PredictionBin } from '../../src/quality/bins.js';
import type { QualityStore, RewardMoments } from '../../src/quality/quality-store.js';
import type { Db } from '../open.js';
import { perDb } from './statement-cache.js';

interface BinRow {
  action_id: string;
  bin: number;
  positives: number;
  negatives: number;
  predicted: number;
}

interface RewardRow {
  action_id: string;
  n: number;
  sum: number;
  sum_sq: number;
}

const stmts = perDb((db: Db) => {
  const s = db.sqlite;
  return {
    add: s.prepare<[string, number, number, number, number]>(
      `INSERT INTO prediction_bins (action_id, bin, positives, negatives, predicted) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (action_id, bin) DO UPDATE SET positives = positives + excluded.positives,
         negatives = negatives + excluded.negatives, predicted = predicted + excluded.predicted`,
    ),
    one: s.prepare<[string], BinRow>(
      'SELECT action_id, bin, positives, negatives, predicted FROM prediction_bins WHERE action_id = ? ORDER BY bin',
    ),
    clear: s.prepare<[string]>('DELETE FROM prediction_bins WHERE action_id = ?'),
    clearAll: s.prepare('DELETE FROM prediction_bins'),
    reward: s.prepare<[string], RewardRow>('SELECT action_id, n, sum, sum_sq FROM action_rewards WHERE action_id = ?'),
    rewards: s.prepare<[], RewardRow>('SELECT action_id, n, sum, sum_sq FROM action_rewards'),
  };
});

const toBin = (r: BinRow): PredictionBin => ({ bin: r.bin, positives: r.positives, negatives: r.negatives, predicted: r.predicted });
const toReward = (r: RewardRow): RewardMoments => ({ n: r.n, sum: r.sum, sumSq: r.sum_sq });

/** Forgets an action's prediction bins (ops scripts replacing its model call it in their own transaction). */
export function clearPredictionBins(db: Db, actionId: string): void {
  stmts(db).clear.run(actionId);
}

export function clearAllPredictionBins(db: Db): void {
  stmts(db).clearAll.run();
}

export function createSqliteQualityStore(db: Db): QualityStore {
  return {
    addBins(actionId, bins) {
      const add = stmts(db).add;
      for (const b of bins) add.run(actionId, b.bin, b.positives, b.negatives, b.predicted);
    },
    bins: (actionId) => stmts(db).one.all(actionId).map(toBin),
    clearBins: (actionId) => clearPredictionBins(db, actionId),
    clearAllBins: () => clearAllPredictionBins(db),
    rewards(actionId) {
      const row = stmts(db).reward.get(actionId);
      return row ? toReward(row) : undefined;
    },
    allRewards: () => new Map(stmts(db).rewards.all().map((r) => [r.action_id, toReward(r)])),
  };
}
