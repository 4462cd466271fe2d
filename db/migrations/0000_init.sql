CREATE TABLE `actions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`value` real NOT NULL,
	`lever` real DEFAULT 1 NOT NULL,
	`channels` text NOT NULL,
	`active` integer NOT NULL,
	`likelihood` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `decision_actions` (
	`decision_id` text NOT NULL,
	`action_id` text NOT NULL,
	`slot` integer NOT NULL,
	`propensity` real NOT NULL,
	`sampled_propensity` real NOT NULL,
	`priority` real NOT NULL,
	`probability` real NOT NULL,
	PRIMARY KEY(`decision_id`, `slot`),
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`customer_id` text,
	`channel` text NOT NULL,
	`schema_version` integer NOT NULL,
	`x` blob NOT NULL,
	`seed` text NOT NULL,
	`status` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `decisions_status_created_at_idx` ON `decisions` (`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `feature_schemas` (
	`version` integer PRIMARY KEY NOT NULL,
	`features` text NOT NULL,
	`channels` text NOT NULL,
	`dimension` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `feedback` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`decision_id` text NOT NULL,
	`action_id` text NOT NULL,
	`outcome` text NOT NULL,
	`reward` real,
	`created_at` integer NOT NULL,
	`source` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_decision_action_unique` ON `feedback` (`decision_id`,`action_id`);--> statement-breakpoint
CREATE TABLE `learner_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`applied_seq` integer NOT NULL,
	CONSTRAINT "learner_state_single_row" CHECK("learner_state"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE `models` (
	`action_id` text PRIMARY KEY NOT NULL,
	`schema_version` integer NOT NULL,
	`likelihood` text NOT NULL,
	`dimension` integer NOT NULL,
	`mean` blob NOT NULL,
	`precision` blob NOT NULL,
	`chol_precision` blob NOT NULL,
	`a` real NOT NULL,
	`b` real NOT NULL,
	`observations` real NOT NULL,
	`version` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`action_id`) REFERENCES `actions`(`id`) ON UPDATE no action ON DELETE cascade
);
