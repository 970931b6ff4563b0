-- Upstream identity providers (issue 22): the operator's providers per ecosystem, their client secret
-- sealed with AES-GCM under IDP_SECRET_KEY, the upstream identities (provider, subject) linked to users, and
-- the provider a session's sign-in went through (the ID token's `idp`).
CREATE TABLE `identity_providers` (
	`id` text PRIMARY KEY NOT NULL,
	`ecosystem_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`client_id` text NOT NULL,
	`client_secret_sealed` text NOT NULL,
	`issuer` text,
	`scopes` text NOT NULL,
	`link_by_verified_email` integer DEFAULT false NOT NULL,
	`default_environments` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`ecosystem_id`) REFERENCES `ecosystems`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `identity_providers_ecosystem` ON `identity_providers` (`ecosystem_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `linked_identities` (
	`id` text PRIMARY KEY NOT NULL,
	`provider_id` text NOT NULL,
	`subject` text NOT NULL,
	`user_id` text NOT NULL,
	`email` text,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	FOREIGN KEY (`provider_id`) REFERENCES `identity_providers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `linked_identities_subject` ON `linked_identities` (`provider_id`,`subject`);--> statement-breakpoint
CREATE INDEX `linked_identities_user` ON `linked_identities` (`user_id`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `idp` text;