ALTER TABLE `sessions` ADD `user_epoch` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `token_epoch` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Users with a past bulk revocation start at epoch 1, so their tokens issued before it (which
-- carry no `gen` and count as 0) stay dead when not_before goes.
UPDATE `users` SET `token_epoch` = 1 WHERE `not_before` > 0;
--> statement-breakpoint
-- Live sessions began after the user's last revocation: they belong to the current epoch.
UPDATE `sessions` SET `user_epoch` = (SELECT `token_epoch` FROM `users` WHERE `users`.`id` = `sessions`.`user_id`) WHERE `revoked_at` IS NULL;
