CREATE TABLE `action_day_counts` (
	`action_id` text NOT NULL,
	`day` integer NOT NULL,
	`decisions` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`action_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `channels` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`direction` text NOT NULL,
	`contact_cost` real DEFAULT 0 NOT NULL,
	`limit_contacts` integer,
	`limit_per` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `contact_policy` (
	`id` integer PRIMARY KEY NOT NULL,
	`policy` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `contacts` (
	`decision_id` text NOT NULL,
	`action_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`channel` text NOT NULL,
	`category` text NOT NULL,
	`at` integer NOT NULL,
	`outcome` text,
	`outcome_at` integer,
	PRIMARY KEY(`decision_id`, `action_id`)
);
--> statement-breakpoint
CREATE INDEX `contacts_customer_at_idx` ON `contacts` (`customer_id`,`at`);--> statement-breakpoint
CREATE INDEX `contacts_at_idx` ON `contacts` (`at`);--> statement-breakpoint
CREATE TABLE `customer_events` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`attributes` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customer_events_customer_expires_idx` ON `customer_events` (`customer_id`,`expires_at`);--> statement-breakpoint
CREATE INDEX `customer_events_expires_idx` ON `customer_events` (`expires_at`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`attributes` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `actions` ADD `eligibility` text;--> statement-breakpoint
ALTER TABLE `actions` ADD `start_at` integer;--> statement-breakpoint
ALTER TABLE `actions` ADD `end_at` integer;--> statement-breakpoint
ALTER TABLE `actions` ADD `daily_cap` integer;--> statement-breakpoint
ALTER TABLE `actions` ADD `mandatory` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `decision_actions` ADD `recent_ignores` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `decisions` ADD `activated` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `decisions` ADD `group` text DEFAULT 'policy' NOT NULL;--> statement-breakpoint
CREATE INDEX `decisions_customer_idx` ON `decisions` (`customer_id`);--> statement-breakpoint
-- Daily budgets (db/schema/action-day-counts.ts): counted by a trigger, so every writer counts in the same transaction.
CREATE TRIGGER `action_day_counts_decision` AFTER INSERT ON `decision_actions` BEGIN
	INSERT INTO `action_day_counts` (`action_id`, `day`, `decisions`)
	SELECT NEW.`action_id`, `created_at` / 86400000, 1 FROM `decisions` WHERE `id` = NEW.`decision_id`
	ON CONFLICT (`action_id`, `day`) DO UPDATE SET `decisions` = `decisions` + 1;
END;
--> statement-breakpoint
-- The contact history learns each outcome in the transaction that records it (db/schema/contacts.ts).
CREATE TRIGGER `contacts_outcome` AFTER INSERT ON `feedback` BEGIN
	UPDATE `contacts` SET `outcome` = NEW.`outcome`, `outcome_at` = NEW.`created_at`
	WHERE `decision_id` = NEW.`decision_id` AND `action_id` = NEW.`action_id`;
END;
