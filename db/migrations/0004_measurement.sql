CREATE TABLE `action_rewards` (
	`action_id` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	`sum` real DEFAULT 0 NOT NULL,
	`sum_sq` real DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `candidate_sets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actions` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `candidate_sets_actions_unique` ON `candidate_sets` (`actions`);--> statement-breakpoint
CREATE TABLE `decision_counts` (
	`hour` integer NOT NULL,
	`channel` text NOT NULL,
	`category` text NOT NULL,
	`group` text NOT NULL,
	`no_action_reason` text NOT NULL,
	`opportunities` integer DEFAULT 0 NOT NULL,
	`contacts` integer DEFAULT 0 NOT NULL,
	`responses` integer DEFAULT 0 NOT NULL,
	`responses_sq` integer DEFAULT 0 NOT NULL,
	`value` real DEFAULT 0 NOT NULL,
	`value_sq` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`hour`, `channel`, `category`, `group`, `no_action_reason`)
);
--> statement-breakpoint
CREATE TABLE `evaluations` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`status` text NOT NULL,
	`progress` real DEFAULT 0 NOT NULL,
	`request` text NOT NULL,
	`rows` integer DEFAULT 0 NOT NULL,
	`results` text,
	`error` text,
	`finished_at` integer
);
--> statement-breakpoint
CREATE TABLE `prediction_bins` (
	`action_id` text NOT NULL,
	`bin` integer NOT NULL,
	`positives` integer DEFAULT 0 NOT NULL,
	`negatives` integer DEFAULT 0 NOT NULL,
	`predicted` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`action_id`, `bin`)
);
--> statement-breakpoint
ALTER TABLE `action_day_counts` ADD `responses` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `action_day_counts` ADD `ignores` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `action_day_counts` ADD `value` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `decisions` ADD `offered` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `decisions` ADD `category` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `decisions` ADD `no_action_reason` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `decisions` ADD `responses` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `decisions` ADD `value` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `decisions` ADD `no_action_probability` real;--> statement-breakpoint
ALTER TABLE `decisions` ADD `probability_method` text;--> statement-breakpoint
ALTER TABLE `decisions` ADD `probability_draws` integer;--> statement-breakpoint
ALTER TABLE `decisions` ADD `candidate_set` integer;--> statement-breakpoint
CREATE INDEX `decisions_created_at_idx` ON `decisions` (`created_at`);--> statement-breakpoint
-- Measurement aggregates (db/schema/decision-counts.ts): every writer counts in the transaction that writes the row.
-- A decision counts in its own hour, with its category, group and no-action reason as written at insert.
CREATE TRIGGER `decision_counts_decision` AFTER INSERT ON `decisions` BEGIN
	INSERT INTO `decision_counts` (`hour`, `channel`, `category`, `group`, `no_action_reason`, `opportunities`, `contacts`)
	VALUES (NEW.`created_at` / 3600000, NEW.`channel`, NEW.`category`, NEW.`group`, NEW.`no_action_reason`, 1,
		CASE WHEN NEW.`offered` > 0 AND NEW.`activated` THEN 1 ELSE 0 END)
	ON CONFLICT (`hour`, `channel`, `category`, `group`, `no_action_reason`)
	DO UPDATE SET `opportunities` = `opportunities` + 1, `contacts` = `contacts` + excluded.`contacts`;
END;
--> statement-breakpoint
-- A deferred decision becomes a contact when it is activated (DESIGN.md §8.5).
CREATE TRIGGER `decision_counts_activation` AFTER UPDATE OF `activated` ON `decisions`
WHEN OLD.`activated` = 0 AND NEW.`activated` = 1 AND NEW.`offered` > 0 BEGIN
	UPDATE `decision_counts` SET `contacts` = `contacts` + 1
	WHERE `hour` = NEW.`created_at` / 3600000 AND `channel` = NEW.`channel` AND `category` = NEW.`category`
		AND `group` = NEW.`group` AND `no_action_reason` = NEW.`no_action_reason`;
END;
--> statement-breakpoint
-- Each response adds to its decision's totals (decisions.responses, decisions.value)… A reward beyond the accepted
-- ±1e6 (MAX_ABS_REWARD: only a row written before the limits, or by hand) counts at the limit, so no square overflows.
CREATE TRIGGER `decision_outcome_totals` AFTER INSERT ON `feedback` WHEN NEW.`outcome` = 'response' BEGIN
	UPDATE `decisions` SET `responses` = `responses` + 1,
		`value` = `value` + coalesce((SELECT `value` FROM `actions` WHERE `id` = NEW.`action_id`), 0) * coalesce(max(-1000000.0, min(1000000.0, NEW.`reward`)), 1)
	WHERE `id` = NEW.`decision_id`;
END;
--> statement-breakpoint
-- …and the change of the decision's totals to its hour's sums and sums of squares (per-opportunity moments).
CREATE TRIGGER `decision_counts_outcome` AFTER UPDATE OF `responses`, `value` ON `decisions` BEGIN
	UPDATE `decision_counts` SET
		`responses` = `responses` + NEW.`responses` - OLD.`responses`,
		`responses_sq` = `responses_sq` + NEW.`responses` * NEW.`responses` - OLD.`responses` * OLD.`responses`,
		`value` = `value` + NEW.`value` - OLD.`value`,
		`value_sq` = `value_sq` + NEW.`value` * NEW.`value` - OLD.`value` * OLD.`value`
	WHERE `hour` = NEW.`created_at` / 3600000 AND `channel` = NEW.`channel` AND `category` = NEW.`category`
		AND `group` = NEW.`group` AND `no_action_reason` = NEW.`no_action_reason`;
END;
--> statement-breakpoint
-- Outcomes per action and day of their decision (response rate over time, db/schema/action-day-counts.ts).
CREATE TRIGGER `action_day_counts_outcome` AFTER INSERT ON `feedback` BEGIN
	INSERT INTO `action_day_counts` (`action_id`, `day`, `decisions`, `responses`, `ignores`, `value`)
	SELECT NEW.`action_id`, `created_at` / 86400000, 0,
		CASE WHEN NEW.`outcome` = 'response' THEN 1 ELSE 0 END,
		CASE WHEN NEW.`outcome` = 'ignore' THEN 1 ELSE 0 END,
		CASE WHEN NEW.`outcome` = 'response'
			THEN coalesce((SELECT `value` FROM `actions` WHERE `id` = NEW.`action_id`), 0) * coalesce(max(-1000000.0, min(1000000.0, NEW.`reward`)), 1) ELSE 0 END
	FROM `decisions` WHERE `id` = NEW.`decision_id`
	ON CONFLICT (`action_id`, `day`) DO UPDATE SET `responses` = `responses` + excluded.`responses`,
		`ignores` = `ignores` + excluded.`ignores`, `value` = `value` + excluded.`value`;
END;
--> statement-breakpoint
-- Reward moments per action (linear actions' reward mean and sd, db/schema/action-rewards.ts); a reward the learner
-- refuses (beyond ±1e6) is left out, as it is from the model.
CREATE TRIGGER `action_rewards_feedback` AFTER INSERT ON `feedback` WHEN NEW.`reward` IS NOT NULL AND abs(NEW.`reward`) <= 1000000 BEGIN
	INSERT INTO `action_rewards` (`action_id`, `n`, `sum`, `sum_sq`) VALUES (NEW.`action_id`, 1, NEW.`reward`, NEW.`reward` * NEW.`reward`)
	ON CONFLICT (`action_id`) DO UPDATE SET `n` = `n` + 1, `sum` = `sum` + excluded.`sum`, `sum_sq` = `sum_sq` + excluded.`sum_sq`;
END;
