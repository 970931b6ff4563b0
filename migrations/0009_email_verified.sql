ALTER TABLE `one_time_codes` ADD `sent_to` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `client_id` text;--> statement-breakpoint
-- No backfill: email_verified_at stays NULL for every existing user. `confirmed` cannot tell an
-- address proven by a link from one that started confirmed (EMAIL_CONFIRMATION off), and the used
-- confirmation codes that could say so are deleted by upkeep after a day and do not record the
-- address they went to. A user proves the address again with the next confirmation or reset code.
ALTER TABLE `users` ADD `email_verified_at` integer;
