CREATE TABLE `decision_day_counts` (
	`day` integer NOT NULL,
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
	PRIMARY KEY(`day`, `channel`, `category`, `group`, `no_action_reason`)
);
--> statement-breakpoint
-- The rollup follows the hour table (an upsert's DO UPDATE fires the UPDATE trigger); backfilled for 0004 rows.
CREATE TRIGGER decision_day_counts_insert AFTER INSERT ON decision_counts BEGIN
  INSERT INTO decision_day_counts ("day", channel, category, "group", no_action_reason, opportunities, contacts, responses, responses_sq, value, value_sq)
  VALUES (NEW."hour" / 24, NEW.channel, NEW.category, NEW."group", NEW.no_action_reason, NEW.opportunities, NEW.contacts, NEW.responses, NEW.responses_sq, NEW.value, NEW.value_sq)
  ON CONFLICT ("day", channel, category, "group", no_action_reason) DO UPDATE SET opportunities = opportunities + excluded.opportunities, contacts = contacts + excluded.contacts, responses = responses + excluded.responses, responses_sq = responses_sq + excluded.responses_sq, value = value + excluded.value, value_sq = value_sq + excluded.value_sq;
END;
--> statement-breakpoint
CREATE TRIGGER decision_day_counts_update AFTER UPDATE ON decision_counts BEGIN
  UPDATE decision_day_counts SET opportunities = opportunities + NEW.opportunities - OLD.opportunities, contacts = contacts + NEW.contacts - OLD.contacts, responses = responses + NEW.responses - OLD.responses, responses_sq = responses_sq + NEW.responses_sq - OLD.responses_sq, value = value + NEW.value - OLD.value, value_sq = value_sq + NEW.value_sq - OLD.value_sq
  WHERE "day" = NEW."hour" / 24 AND channel = NEW.channel AND category = NEW.category AND "group" = NEW."group" AND no_action_reason = NEW.no_action_reason;
END;
--> statement-breakpoint
CREATE TRIGGER decision_day_counts_delete AFTER DELETE ON decision_counts BEGIN
  UPDATE decision_day_counts SET opportunities = opportunities - OLD.opportunities, contacts = contacts - OLD.contacts, responses = responses - OLD.responses, responses_sq = responses_sq - OLD.responses_sq, value = value - OLD.value, value_sq = value_sq - OLD.value_sq
  WHERE "day" = OLD."hour" / 24 AND channel = OLD.channel AND category = OLD.category AND "group" = OLD."group" AND no_action_reason = OLD.no_action_reason;
END;
--> statement-breakpoint
INSERT INTO decision_day_counts ("day", channel, category, "group", no_action_reason, opportunities, contacts, responses, responses_sq, value, value_sq)
  SELECT "hour" / 24, channel, category, "group", no_action_reason, sum(opportunities), sum(contacts), sum(responses), sum(responses_sq), sum(value), sum(value_sq)
  FROM decision_counts GROUP BY "hour" / 24, channel, category, "group", no_action_reason;
