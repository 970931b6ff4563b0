CREATE TABLE `kv_backlog` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`expires_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `kv_backlog_created` ON `kv_backlog` (`created_at`);