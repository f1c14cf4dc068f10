-- Hand-edited: case_exclusions and case_shares are WITHOUT ROWID, like every table of reporter-side
-- rows (SECURITY.md, "At rest"); re-add `WITHOUT ROWID` after both CREATE TABLEs if regenerated.
CREATE TABLE `case_exclusions` (
	`report_id` text NOT NULL,
	`supervisor_id` text NOT NULL,
	PRIMARY KEY(`report_id`, `supervisor_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `case_shares` (
	`report_id` text NOT NULL,
	`unit_id` text NOT NULL,
	`day` text NOT NULL,
	PRIMARY KEY(`report_id`, `unit_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `case_shares_unit` ON `case_shares` (`unit_id`);--> statement-breakpoint
ALTER TABLE `reports` ADD `escalated_unit_id` text;