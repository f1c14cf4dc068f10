CREATE TABLE `grant_packets` (
	`item_id` text NOT NULL,
	`grantee_id` text NOT NULL,
	`report_id` text NOT NULL,
	`grant_id` text NOT NULL,
	`packet` text NOT NULL,
	PRIMARY KEY(`item_id`, `grantee_id`)
);
--> statement-breakpoint
CREATE INDEX `grant_packets_report` ON `grant_packets` (`report_id`);