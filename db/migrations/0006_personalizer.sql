CREATE TABLE `pz_actions` (
	`id` text PRIMARY KEY NOT NULL,
	`features_json` text NOT NULL,
	`flat` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pz_event_slots` (
	`event_id` text NOT NULL,
	`slot_index` integer NOT NULL,
	`slot_id` text,
	`action_id` text NOT NULL,
	`probability` real NOT NULL,
	`baseline_id` text NOT NULL,
	`greedy_id` text NOT NULL,
	`baseline_probability` real NOT NULL,
	`x` blob NOT NULL,
	`reward` real,
	`rewards` integer DEFAULT 0 NOT NULL,
	`learned_at` integer,
	`learned_reward` real,
	PRIMARY KEY(`event_id`, `slot_index`),
	FOREIGN KEY (`event_id`) REFERENCES `pz_events`(`event_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `pz_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`multi` integer NOT NULL,
	`created_at` integer NOT NULL,
	`mode` text NOT NULL,
	`deferred` integer NOT NULL,
	`activated_at` integer,
	`closes_at` integer,
	`drop_at` integer NOT NULL,
	`aggregation` text NOT NULL,
	`default_reward` real NOT NULL,
	`closed_at` integer,
	`outcome` text
);
--> statement-breakpoint
CREATE INDEX `pz_events_open` ON `pz_events` (`closes_at`) WHERE closed_at IS NULL;--> statement-breakpoint
CREATE INDEX `pz_events_unactivated` ON `pz_events` (`drop_at`) WHERE closed_at IS NULL AND closes_at IS NULL;--> statement-breakpoint
CREATE INDEX `pz_events_created` ON `pz_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `pz_models` (
	`action_id` text PRIMARY KEY NOT NULL,
	`dimension` integer NOT NULL,
	`mean` blob NOT NULL,
	`precision` blob NOT NULL,
	`chol_precision` blob NOT NULL,
	`a` real NOT NULL,
	`b` real NOT NULL,
	`observations` real NOT NULL,
	`version` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`action_id`) REFERENCES `pz_actions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `pz_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`service` text,
	`policy` text,
	`model_created_at` integer NOT NULL,
	`model_modified_at` integer NOT NULL
);
