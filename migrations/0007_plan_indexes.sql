CREATE INDEX `one_time_codes_used` ON `one_time_codes` (`used_at`);--> statement-breakpoint
CREATE INDEX `outbox_to` ON `outbox` (`to`,`created_at`,`id`);