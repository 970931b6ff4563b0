CREATE TABLE `access_grants` (
	`user_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`access_level` text DEFAULT 'all' NOT NULL,
	PRIMARY KEY(`user_id`, `environment_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `attributes` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`key` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attributes_user_key` ON `attributes` (`user_id`,`key`);--> statement-breakpoint
CREATE TABLE `ecosystems` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `environments` (
	`id` text PRIMARY KEY NOT NULL,
	`ecosystem_id` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ecosystem_id`) REFERENCES `ecosystems`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `environments_ecosystem` ON `environments` (`ecosystem_id`);--> statement-breakpoint
CREATE TABLE `login_failures` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`locked_until` integer DEFAULT 0 NOT NULL,
	`attempt_nonce` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `one_time_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`purpose` text NOT NULL,
	`code_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`spent_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `one_time_codes_hash` ON `one_time_codes` (`code_hash`);--> statement-breakpoint
CREATE INDEX `one_time_codes_user` ON `one_time_codes` (`user_id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`to` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outbox_created` ON `outbox` (`created_at`);--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`sent_at`);--> statement-breakpoint
CREATE TABLE `server_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`ecosystem_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`ecosystem_id`) REFERENCES `ecosystems`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `server_tokens_hash` ON `server_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`rotates` integer DEFAULT true NOT NULL,
	`secret_hash` text,
	`rotation_salt` text,
	`rotated_at` integer,
	`generation` integer DEFAULT 0 NOT NULL,
	`expiry_type` text,
	`ttl_seconds` integer,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	`revoked_reason` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `spent_secrets` (
	`session_id` text NOT NULL,
	`secret_hash` text NOT NULL,
	PRIMARY KEY(`session_id`, `secret_hash`),
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`ecosystem_id` text NOT NULL,
	`unique_id` text,
	`username` text,
	`username_key` text,
	`email` text,
	`email_key` text,
	`password_hash` text,
	`role` text DEFAULT 'user' NOT NULL,
	`first_name` text,
	`last_name` text,
	`phone_number` text,
	`language` text DEFAULT 'en' NOT NULL,
	`public_key` text,
	`certificate` text,
	`meta` text,
	`confirmed` integer DEFAULT true NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`not_before` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`ecosystem_id`) REFERENCES `ecosystems`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_unique_id` ON `users` (`ecosystem_id`,`unique_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_username` ON `users` (`ecosystem_id`,`username_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `users_email` ON `users` (`ecosystem_id`,`email_key`);--> statement-breakpoint
CREATE INDEX `users_created` ON `users` (`ecosystem_id`,`created_at`,`id`);