-- Hand-edited: WITHOUT ROWID on `pending_messages` and `uploads` (reporter-side rows, SECURITY.md
-- "At rest"); re-apply after regenerating.
CREATE TABLE `pending_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`kind` text NOT NULL,
	`ciphertext` text NOT NULL,
	`files_expected` integer NOT NULL,
	`day` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `pending_messages_report` ON `pending_messages` (`report_id`);--> statement-breakpoint
CREATE INDEX `pending_messages_day` ON `pending_messages` (`day`);--> statement-breakpoint
CREATE TABLE `uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`message_id` text NOT NULL,
	`position` integer NOT NULL,
	`tag` text NOT NULL,
	`total` integer NOT NULL,
	`chunks` integer NOT NULL,
	`received` integer DEFAULT 0 NOT NULL,
	`bytes` integer DEFAULT 0 NOT NULL,
	`store` text DEFAULT '' NOT NULL,
	`keys` text DEFAULT '' NOT NULL,
	`day` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
CREATE UNIQUE INDEX `uploads_slot` ON `uploads` (`message_id`,`position`);--> statement-breakpoint
CREATE INDEX `uploads_report` ON `uploads` (`report_id`);--> statement-breakpoint
CREATE INDEX `uploads_day` ON `uploads` (`day`);