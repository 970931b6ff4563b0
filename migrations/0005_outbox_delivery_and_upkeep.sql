DROP INDEX `outbox_pending`;--> statement-breakpoint
ALTER TABLE `outbox` ADD `html` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox` ADD `status` text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox` ADD `next_attempt_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox` ADD `claim` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `last_error` text;--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_sent` ON `outbox` (`status`,`sent_at`);--> statement-breakpoint
CREATE INDEX `login_failures_updated` ON `login_failures` (`updated_at`);--> statement-breakpoint
CREATE INDEX `one_time_codes_expires` ON `one_time_codes` (`expires_at`);--> statement-breakpoint
CREATE INDEX `sessions_expires` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE INDEX `sessions_revoked` ON `sessions` (`revoked_at`);--> statement-breakpoint
-- Mail sent before this migration keeps its sent state.
UPDATE `outbox` SET `status` = 'sent' WHERE `sent_at` IS NOT NULL;
