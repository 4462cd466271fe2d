import { integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Prequential model quality (DESIGN.md §9, issue #11): before the learner learns an outcome it scores it with the
 * action's model as it then stands, and counts the outcome into the bin of that prediction, in the learner's own
 * transaction. AUC and calibration deciles are read off these histograms (O(bins) per action, never a scan).
 * `bin` indexes the predicted response probability (the binning is src/quality's); `predicted` is Σ of the
 * predictions that fell in it.
 */
export const predictionBins = sqliteTable(
  'prediction_bins',
  {
    actionId: text('action_id').notNull(),
    bin: integer('bin').notNull(),
    positives: integer('positives').notNull().default(0),
    negatives: integer('negatives').notNull().default(0),
    predicted: real('predicted').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.actionId, t.bin] })],
);
