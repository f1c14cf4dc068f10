DROP INDEX `reports_inbox`;--> statement-breakpoint
DROP INDEX `reports_inbox_state`;--> statement-breakpoint
DROP INDEX `reports_copied`;--> statement-breakpoint
CREATE INDEX `reports_escalated` ON `reports` (`escalated_unit_id`,`sort_key`) WHERE "reports"."escalated_unit_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `reports_inbox` ON `reports` (`unit_id`,`sort_key`,`state`,`outcome`,`classification`,`received_day`,`acknowledge_by`,`feedback_by`,`retaliation_flagged`);--> statement-breakpoint
CREATE INDEX `reports_inbox_state` ON `reports` (`unit_id`,`state`,`sort_key`,`outcome`,`classification`,`received_day`,`acknowledge_by`,`feedback_by`,`retaliation_flagged`);--> statement-breakpoint
CREATE INDEX `reports_copied` ON `reports` (`copied_unit_id`,`sort_key`,`state`,`outcome`,`classification`,`received_day`,`acknowledge_by`,`feedback_by`,`retaliation_flagged`);--> statement-breakpoint
CREATE INDEX `case_exclusions_supervisor` ON `case_exclusions` (`supervisor_id`);