-- What the authorization code grant records on the session it starts: the scopes the client was
-- granted (its access tokens carry them as `scope`, RFC 9068 2.2.3, refreshed ones too), and the
-- browser session whose sign-in it rests on (signing that browser out ends the client's session
-- too). No backfill: older sessions' tokens carry no `scope`, and older client sessions outlive a
-- sign-out as before. The resources (RFC 8707) a client's machine tokens may be addressed to, and
-- whether a confidential client may leave PKCE off (default: it may not, as before). And
-- an ecosystem's own password policy (null: the deployment's, so every existing ecosystem keeps it).
ALTER TABLE `ecosystems` ADD `password_min_length` integer;--> statement-breakpoint
ALTER TABLE `ecosystems` ADD `password_reject_common` integer;--> statement-breakpoint
ALTER TABLE `oauth_clients` ADD `require_pkce` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `oauth_clients` ADD `client_credentials_resources` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `scope` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `origin_session_id` text;--> statement-breakpoint
CREATE INDEX `sessions_origin` ON `sessions` (`origin_session_id`) WHERE "sessions"."origin_session_id" is not null;
