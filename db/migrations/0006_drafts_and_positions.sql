-- Hand-edited: WITHOUT ROWID, like every table of reporter-side rows (SECURITY.md, "At rest").
CREATE TABLE `report_drafts` (
	`id` text PRIMARY KEY NOT NULL,
	`lookup_hash` text NOT NULL,
	`unit_id` text NOT NULL,
	`copied_unit_id` text,
	`reporter_public_key` text NOT NULL,
	`reporter_locked_key` text NOT NULL,
	`reporter_key_ids` text NOT NULL,
	`message_id` text NOT NULL,
	`ciphertext` text NOT NULL,
	`files_expected` integer NOT NULL,
	`day` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
CREATE UNIQUE INDEX `report_drafts_lookup` ON `report_drafts` (`lookup_hash`);--> statement-breakpoint
ALTER TABLE `attachments` ADD `position` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `reports` ADD `last_seen_day` text;