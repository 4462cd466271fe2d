/**
 * PROPOSED MIGRATION (issue #11, part A): a day rollup of `decision_counts`, for GET /v1/lift within 50 ms at 10⁷
 * logged decisions. At the hour grain a 90-day window is ~170,000 rows (5 channels × 8 category/reason cells × 2
 * groups × 2,160 hours), which SQLite sums and groups in 100–150 ms on the benchmark machine (bench:lift); the day
 * grain is 24× fewer rows. Branches may not add migrations, so this file holds the exact SQL of the migration to add
 * (0005): the table, triggers that keep it from the hour table (so the two can never disagree, whatever writes the
 * hour table), and the backfill. db/stores/lift.ts reads the rollup when the table exists and the hour table alone
 * otherwise; the bench and the tests apply this SQL to a migrated database.
 *
 * An upsert's DO UPDATE fires UPDATE triggers (SQLite "UPSERT" docs), so the decision trigger's hour upserts reach
 * the rollup through the update trigger; the hour table's key columns are never updated.
 */
import type { Db } from '../open.js';

const SUMS = ['opportunities', 'contacts', 'responses', 'responses_sq', 'value', 'value_sq'] as const;
const KEY = ['channel', 'category', '"group"', 'no_action_reason'] as const;
const sameCell = (row: 'NEW' | 'OLD') => [`"day" = ${row}."hour" / 24`, ...KEY.map((k) => `${k} = ${row}.${k}`)].join(' AND ');

export const DAY_ROLLUP_SQL = `
CREATE TABLE decision_day_counts (
  "day" integer NOT NULL,
  channel text NOT NULL,
  category text NOT NULL,
  "group" text NOT NULL,
  no_action_reason text NOT NULL,
  opportunities integer DEFAULT 0 NOT NULL,
  contacts integer DEFAULT 0 NOT NULL,
  responses integer DEFAULT 0 NOT NULL,
  responses_sq integer DEFAULT 0 NOT NULL,
  value real DEFAULT 0 NOT NULL,
  value_sq real DEFAULT 0 NOT NULL,
  PRIMARY KEY ("day", channel, category, "group", no_action_reason)
);
CREATE TRIGGER decision_day_counts_insert AFTER INSERT ON decision_counts BEGIN
  INSERT INTO decision_day_counts ("day", ${KEY.join(', ')}, ${SUMS.join(', ')})
  VALUES (NEW."hour" / 24, ${KEY.map((k) => `NEW.${k}`).join(', ')}, ${SUMS.map((s) => `NEW.${s}`).join(', ')})
  ON CONFLICT ("day", ${KEY.join(', ')}) DO UPDATE SET ${SUMS.map((s) => `${s} = ${s} + excluded.${s}`).join(', ')};
END;
CREATE TRIGGER decision_day_counts_update AFTER UPDATE ON decision_counts BEGIN
  UPDATE decision_day_counts SET ${SUMS.map((s) => `${s} = ${s} + NEW.${s} - OLD.${s}`).join(', ')}
  WHERE ${sameCell('NEW')};
END;
CREATE TRIGGER decision_day_counts_delete AFTER DELETE ON decision_counts BEGIN
  UPDATE decision_day_counts SET ${SUMS.map((s) => `${s} = ${s} - OLD.${s}`).join(', ')}
  WHERE ${sameCell('OLD')};
END;
INSERT INTO decision_day_counts ("day", ${KEY.join(', ')}, ${SUMS.join(', ')})
  SELECT "hour" / 24, ${KEY.join(', ')}, ${SUMS.map((s) => `sum(${s})`).join(', ')}
  FROM decision_counts GROUP BY "hour" / 24, ${KEY.join(', ')};
`;

/** Applies the proposed migration (bench and tests only, until it is a numbered migration). */
export function applyDayRollup(db: Db): void {
  db.sqlite.exec(DAY_ROLLUP_SQL);
}

/** Whether the database has the day rollup. */
export function hasDayRollup(db: Db): boolean {
  return db.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'decision_day_counts'").get() !== undefined;
}
