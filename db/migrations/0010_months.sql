-- Hand-edited: case_stats and deleted_receipts are WITHOUT ROWID, like every table of reporter-side
-- rows (SECURITY.md, "At rest"): a rowid would count deletions in order.
CREATE TABLE `case_requests` (
	`report_id` text NOT NULL,
	`kind` text NOT NULL,
	`requested_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`report_id`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `case_stats` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_id` text NOT NULL,
	`classification` text,
	`received_day` text NOT NULL,
	`acknowledged_in_time` integer NOT NULL,
	`outcome` text,
	`closed_day` text
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `deleted_receipts` (
	`lookup_hash` text PRIMARY KEY NOT NULL,
	`day` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `job_runs` (
	`name` text NOT NULL,
	`slot` text NOT NULL,
	PRIMARY KEY(`name`, `slot`)
);
--> statement-breakpoint
CREATE TABLE `notify_addresses` (
	`supervisor_id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`verified` integer DEFAULT false NOT NULL,
	`token_hash` text,
	`digest_hour` integer DEFAULT 7 NOT NULL,
	`only_when_active` integer DEFAULT false NOT NULL,
	`encrypt_details` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`to` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_at` integer NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `outbox_next` ON `outbox` (`next_at`);--> statement-breakpoint
ALTER TABLE `reports` ADD `legal_hold` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `units` ADD `retention_months` integer DEFAULT 24 NOT NULL;