ALTER TABLE `retaliation_flags` ADD `acknowledged_day` text;--> statement-breakpoint
ALTER TABLE `retaliation_flags` ADD `resolved_day` text;