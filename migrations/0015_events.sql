-- The event stream (issue 24): an audit record of every auth-relevant change, written in the batch
-- of the change, paged newest first by keyset on (at, id) overall, per user, per ecosystem and type;
-- and the webhooks it is delivered to (Standard Webhooks), with one delivery row per event and hook.
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`at` integer NOT NULL,
	`ecosystem_id` text,
	`user_id` text,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`request_id` text NOT NULL,
	`ip` text,
	`user_agent` text,
	`details` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_at` ON `events` (`at`,`id`);--> statement-breakpoint
CREATE INDEX `events_user` ON `events` (`user_id`,`at`,`id`);--> statement-breakpoint
CREATE INDEX `events_ecosystem` ON `events` (`ecosystem_id`,`at`,`id`);--> statement-breakpoint
CREATE INDEX `events_ecosystem_type` ON `events` (`ecosystem_id`,`type`,`at`,`id`);--> statement-breakpoint
CREATE INDEX `events_type` ON `events` (`type`,`at`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`webhook_id` text NOT NULL,
	`event_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_attempt_at` integer,
	`last_status` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_webhook` ON `webhook_deliveries` (`webhook_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`ecosystem_id` text,
	`secret` text NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
