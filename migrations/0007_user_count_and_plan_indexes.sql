ALTER TABLE `ecosystems` ADD `user_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `one_time_codes_used` ON `one_time_codes` (`used_at`);--> statement-breakpoint
CREATE INDEX `outbox_to` ON `outbox` (`to`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_created_all` ON `users` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_email_any` ON `users` (`email_key`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_username_any` ON `users` (`username_key`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_unique_id_any` ON `users` (`unique_id`,`created_at`,`id`);--> statement-breakpoint
-- Each ecosystem's user count, counted once here and from now on kept by the statement that
-- inserts, deletes or moves a user (whichever code path runs it, cascades included).
UPDATE `ecosystems` SET `user_count` = (SELECT count(*) FROM `users` WHERE `users`.`ecosystem_id` = `ecosystems`.`id`);--> statement-breakpoint
CREATE TRIGGER `users_count_insert` AFTER INSERT ON `users` FOR EACH ROW
BEGIN
  UPDATE `ecosystems` SET `user_count` = `user_count` + 1 WHERE `id` = NEW.`ecosystem_id`;
END;--> statement-breakpoint
CREATE TRIGGER `users_count_delete` AFTER DELETE ON `users` FOR EACH ROW
BEGIN
  UPDATE `ecosystems` SET `user_count` = `user_count` - 1 WHERE `id` = OLD.`ecosystem_id`;
END;--> statement-breakpoint
CREATE TRIGGER `users_count_move` AFTER UPDATE OF `ecosystem_id` ON `users` FOR EACH ROW WHEN NEW.`ecosystem_id` IS NOT OLD.`ecosystem_id`
BEGIN
  UPDATE `ecosystems` SET `user_count` = `user_count` - 1 WHERE `id` = OLD.`ecosystem_id`;
  UPDATE `ecosystems` SET `user_count` = `user_count` + 1 WHERE `id` = NEW.`ecosystem_id`;
END;
