-- Hand-written beyond drizzle-kit's output (issue #17). Reporter-side tables become WITHOUT ROWID,
-- so no rowid counts their rows in. Rows are copied in key order, so the new pages follow the
-- random keys, not the old insertion order. Spent proofs of work keep only the hour.
CREATE TABLE `attachment_chunks` (
	`attachment_id` text NOT NULL,
	`seq` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`attachment_id`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `__new_reports` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_id` text NOT NULL,
	`copied_unit_id` text,
	`lookup_hash` text NOT NULL,
	`reporter_public_key` text NOT NULL,
	`reporter_locked_key` text NOT NULL,
	`reporter_key_ids` text DEFAULT '[]' NOT NULL,
	`state` text DEFAULT 'received' NOT NULL,
	`outcome` text,
	`classification` text,
	`retaliation_flagged` integer DEFAULT false NOT NULL,
	`received_day` text NOT NULL,
	`acknowledge_by` text NOT NULL,
	`feedback_by` text NOT NULL,
	`sort_key` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_reports` (`id`, `unit_id`, `copied_unit_id`, `lookup_hash`, `reporter_public_key`, `reporter_locked_key`, `reporter_key_ids`, `state`, `outcome`, `classification`, `retaliation_flagged`, `received_day`, `acknowledge_by`, `feedback_by`, `sort_key`) SELECT `id`, `unit_id`, `copied_unit_id`, `lookup_hash`, `reporter_public_key`, `reporter_locked_key`, `reporter_key_ids`, `state`, `outcome`, `classification`, `retaliation_flagged`, `received_day`, `acknowledge_by`, `feedback_by`, `sort_key` FROM `reports` ORDER BY `id`;
--> statement-breakpoint
DROP TABLE `reports`;
--> statement-breakpoint
ALTER TABLE `__new_reports` RENAME TO `reports`;
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_lookup` ON `reports` (`lookup_hash`);
--> statement-breakpoint
CREATE INDEX `reports_inbox` ON `reports` (`unit_id`,`sort_key`);
--> statement-breakpoint
CREATE INDEX `reports_inbox_state` ON `reports` (`unit_id`,`state`,`sort_key`);
--> statement-breakpoint
CREATE INDEX `reports_copied` ON `reports` (`copied_unit_id`,`sort_key`);
--> statement-breakpoint
CREATE INDEX `reports_flagged` ON `reports` (`unit_id`,`sort_key`) WHERE "reports"."retaliation_flagged" = 1;
--> statement-breakpoint
CREATE TABLE `__new_case_events` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`position` integer NOT NULL,
	`state` text NOT NULL,
	`outcome` text,
	`day` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_case_events` (`id`, `report_id`, `position`, `state`, `outcome`, `day`) SELECT `id`, `report_id`, `position`, `state`, `outcome`, `day` FROM `case_events` ORDER BY `id`;
--> statement-breakpoint
DROP TABLE `case_events`;
--> statement-breakpoint
ALTER TABLE `__new_case_events` RENAME TO `case_events`;
--> statement-breakpoint
CREATE UNIQUE INDEX `case_events_order` ON `case_events` (`report_id`,`position`);
--> statement-breakpoint
CREATE TABLE `__new_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`position` integer NOT NULL,
	`kind` text NOT NULL,
	`supervisor_id` text,
	`ciphertext` text NOT NULL,
	`day` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_messages` (`id`, `report_id`, `position`, `kind`, `supervisor_id`, `ciphertext`, `day`) SELECT `id`, `report_id`, `position`, `kind`, `supervisor_id`, `ciphertext`, `day` FROM `messages` ORDER BY `id`;
--> statement-breakpoint
DROP TABLE `messages`;
--> statement-breakpoint
ALTER TABLE `__new_messages` RENAME TO `messages`;
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_order` ON `messages` (`report_id`,`position`);
--> statement-breakpoint
CREATE TABLE `__new_attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`message_id` text NOT NULL,
	`size` integer NOT NULL,
	`day` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_attachments` (`id`, `report_id`, `message_id`, `size`, `day`) SELECT `id`, `report_id`, `message_id`, `size`, `day` FROM `attachments` ORDER BY `id`;
--> statement-breakpoint
DROP TABLE `attachments`;
--> statement-breakpoint
ALTER TABLE `__new_attachments` RENAME TO `attachments`;
--> statement-breakpoint
CREATE INDEX `attachments_message` ON `attachments` (`message_id`);
--> statement-breakpoint
CREATE INDEX `attachments_report` ON `attachments` (`report_id`);
--> statement-breakpoint
CREATE TABLE `__new_retaliation_flags` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`message_id` text NOT NULL,
	`state` text DEFAULT 'received' NOT NULL,
	`day` text NOT NULL,
	`due_by` text NOT NULL,
	`acknowledged_day` text,
	`resolved_day` text
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_retaliation_flags` (`id`, `report_id`, `message_id`, `state`, `day`, `due_by`, `acknowledged_day`, `resolved_day`) SELECT `id`, `report_id`, `message_id`, `state`, `day`, `due_by`, `acknowledged_day`, `resolved_day` FROM `retaliation_flags` ORDER BY `id`;
--> statement-breakpoint
DROP TABLE `retaliation_flags`;
--> statement-breakpoint
ALTER TABLE `__new_retaliation_flags` RENAME TO `retaliation_flags`;
--> statement-breakpoint
CREATE INDEX `retaliation_report` ON `retaliation_flags` (`report_id`);
--> statement-breakpoint
CREATE TABLE `__new_pow_spent` (
	`challenge_hash` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_pow_spent` (`challenge_hash`, `expires_at`) SELECT `challenge_hash`, ((`expires_at` + 3599) / 3600) * 3600 FROM `pow_spent` ORDER BY `challenge_hash`;
--> statement-breakpoint
DROP TABLE `pow_spent`;
--> statement-breakpoint
ALTER TABLE `__new_pow_spent` RENAME TO `pow_spent`;
