CREATE TABLE `action_counts` (
	`action_id` text NOT NULL,
	`channel` text NOT NULL,
	`decisions` integer DEFAULT 0 NOT NULL,
	`responses` integer DEFAULT 0 NOT NULL,
	`ignores` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`action_id`, `channel`)
);
--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`secret_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_secret_hash_unique` ON `api_keys` (`secret_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_revoked_at_idx` ON `api_keys` (`revoked_at`);--> statement-breakpoint
-- Running counts (db/schema/action-counts.ts): kept by triggers, so every writer counts in the same transaction.
CREATE TRIGGER `action_counts_decision` AFTER INSERT ON `decision_actions` BEGIN
	INSERT INTO `action_counts` (`action_id`, `channel`, `decisions`)
	SELECT NEW.`action_id`, `channel`, 1 FROM `decisions` WHERE `id` = NEW.`decision_id`
	ON CONFLICT (`action_id`, `channel`) DO UPDATE SET `decisions` = `decisions` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `action_counts_feedback` AFTER INSERT ON `feedback` BEGIN
	INSERT INTO `action_counts` (`action_id`, `channel`, `responses`, `ignores`)
	SELECT NEW.`action_id`, `channel`, NEW.`outcome` = 'response', NEW.`outcome` = 'ignore' FROM `decisions` WHERE `id` = NEW.`decision_id`
	ON CONFLICT (`action_id`, `channel`) DO UPDATE SET `responses` = `responses` + excluded.`responses`, `ignores` = `ignores` + excluded.`ignores`;
END;
--> statement-breakpoint
-- Backfill from the log a database already holds.
INSERT INTO `action_counts` (`action_id`, `channel`, `decisions`, `responses`, `ignores`)
SELECT `action_id`, `channel`, sum(`d`), sum(`r`), sum(`i`) FROM (
	SELECT da.`action_id`, d.`channel`, 1 AS `d`, 0 AS `r`, 0 AS `i`
	FROM `decision_actions` da JOIN `decisions` d ON d.`id` = da.`decision_id`
	UNION ALL
	SELECT f.`action_id`, d.`channel`, 0, f.`outcome` = 'response', f.`outcome` = 'ignore'
	FROM `feedback` f JOIN `decisions` d ON d.`id` = f.`decision_id`
) WHERE true GROUP BY `action_id`, `channel`;
