ALTER TABLE `ecosystems` ADD `last_user_number` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `user_number` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `users_number` ON `users` (`ecosystem_id`,`user_number`);--> statement-breakpoint
-- Existing users get numbers in the order they were created, per ecosystem, and each ecosystem's
-- counter starts after its highest number.
UPDATE `users` SET `user_number` = `numbered`.`n`
FROM (SELECT `id`, ROW_NUMBER() OVER (PARTITION BY `ecosystem_id` ORDER BY `created_at`, `id`) AS `n` FROM `users`) AS `numbered`
WHERE `users`.`id` = `numbered`.`id`;--> statement-breakpoint
UPDATE `ecosystems` SET `last_user_number` = (SELECT COALESCE(MAX(`user_number`), 0) FROM `users` WHERE `users`.`ecosystem_id` = `ecosystems`.`id`);--> statement-breakpoint
-- Every insert, whichever code path makes it, takes the ecosystem's next number in the same
-- statement: no two users of an ecosystem share one, and a deleted user's number is not reused.
CREATE TRIGGER `users_number` AFTER INSERT ON `users` FOR EACH ROW WHEN NEW.`user_number` IS NULL
BEGIN
  UPDATE `ecosystems` SET `last_user_number` = `last_user_number` + 1 WHERE `id` = NEW.`ecosystem_id`;
  UPDATE `users` SET `user_number` = (SELECT `last_user_number` FROM `ecosystems` WHERE `id` = NEW.`ecosystem_id`) WHERE `id` = NEW.`id`;
END;
