-- The client credentials grant (RFC 6749 4.4, issue 25): whether a confidential client may use it,
-- the scopes its machine tokens may carry, and the client's token epoch (its machine tokens carry
-- the epoch they were issued under; raising it, or deleting the client, ends them at the edge).
ALTER TABLE `oauth_clients` ADD `allow_client_credentials` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `oauth_clients` ADD `client_credentials_scopes` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `oauth_clients` ADD `token_epoch` integer DEFAULT 0 NOT NULL;