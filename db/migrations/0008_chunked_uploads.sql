-- Hand-edited: WITHOUT ROWID, like every table of reporter-side rows (SECURITY.md, "At rest").
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
	`day` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
CREATE UNIQUE INDEX `uploads_slot` ON `uploads` (`message_id`,`position`);--> statement-breakpoint
CREATE INDEX `uploads_report` ON `uploads` (`report_id`);--> statement-breakpoint
CREATE INDEX `uploads_day` ON `uploads` (`day`);