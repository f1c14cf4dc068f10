CREATE TABLE `attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`message_id` text NOT NULL,
	`size` integer NOT NULL,
	`day` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `attachments_message` ON `attachments` (`message_id`);--> statement-breakpoint
CREATE INDEX `attachments_report` ON `attachments` (`report_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`unit_id` text,
	`report_id` text,
	`target_id` text,
	`detail` text DEFAULT '{}' NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_seq` ON `audit_log` (`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `audit_prev` ON `audit_log` (`prev_hash`);--> statement-breakpoint
CREATE INDEX `audit_report` ON `audit_log` (`report_id`,`action`);--> statement-breakpoint
CREATE TABLE `auth_challenges` (
	`nonce_hash` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `case_events` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`position` integer NOT NULL,
	`state` text NOT NULL,
	`outcome` text,
	`day` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `case_events_order` ON `case_events` (`report_id`,`position`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`position` integer NOT NULL,
	`kind` text NOT NULL,
	`supervisor_id` text,
	`ciphertext` text NOT NULL,
	`day` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_order` ON `messages` (`report_id`,`position`);--> statement-breakpoint
CREATE TABLE `pow_spent` (
	`challenge_hash` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reports` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_id` text NOT NULL,
	`copied_unit_id` text,
	`lookup_hash` text NOT NULL,
	`reporter_public_key` text NOT NULL,
	`reporter_locked_key` text NOT NULL,
	`state` text DEFAULT 'received' NOT NULL,
	`outcome` text,
	`classification` text,
	`retaliation_flagged` integer DEFAULT false NOT NULL,
	`received_day` text NOT NULL,
	`acknowledge_by` text NOT NULL,
	`feedback_by` text NOT NULL,
	`sort_key` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reports_lookup` ON `reports` (`lookup_hash`);--> statement-breakpoint
CREATE INDEX `reports_inbox` ON `reports` (`unit_id`,`sort_key`);--> statement-breakpoint
CREATE INDEX `reports_inbox_state` ON `reports` (`unit_id`,`state`,`sort_key`);--> statement-breakpoint
CREATE INDEX `reports_copied` ON `reports` (`copied_unit_id`,`sort_key`);--> statement-breakpoint
CREATE TABLE `retaliation_flags` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`message_id` text NOT NULL,
	`state` text DEFAULT 'received' NOT NULL,
	`day` text NOT NULL,
	`due_by` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `retaliation_report` ON `retaliation_flags` (`report_id`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`supervisor_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sessions_supervisor` ON `sessions` (`supervisor_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch()) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `supervisors` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_id` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text DEFAULT 'supervisor' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`public_key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`encryption_key_ids` text NOT NULL,
	`key_expires_at` integer,
	`pseudonym` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `supervisors_fingerprint` ON `supervisors` (`fingerprint`);--> statement-breakpoint
CREATE INDEX `supervisors_unit` ON `supervisors` (`unit_id`,`status`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` text PRIMARY KEY NOT NULL,
	`parent_id` text,
	`name` text NOT NULL,
	`name_zh` text NOT NULL,
	`level` text NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`publish_stats` integer DEFAULT false NOT NULL
);
