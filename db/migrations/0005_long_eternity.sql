CREATE TABLE `case_grants` (
	`id` text PRIMARY KEY NOT NULL,
	`report_id` text NOT NULL,
	`grantee_id` text NOT NULL,
	`granter_id` text NOT NULL,
	`actor_id` text NOT NULL,
	`items` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `case_grants_report` ON `case_grants` (`report_id`);--> statement-breakpoint
CREATE INDEX `case_grants_grantee` ON `case_grants` (`grantee_id`);