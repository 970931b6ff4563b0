-- Upkeep's session deletes as pure index ranges (issue 27): with the kind first, "refresh sessions
-- revoked before X" and "user tokens expired before X" are each one range, so a round never walks
-- past rows it keeps (revoked Infinite and SlidingTtl user tokens stay for good). Building the two
-- indexes reads the sessions table once; the old single-column ones served only upkeep.
DROP INDEX `sessions_expires`;--> statement-breakpoint
DROP INDEX `sessions_revoked`;--> statement-breakpoint
CREATE INDEX `sessions_kind_expires` ON `sessions` (`kind`,`expires_at`);--> statement-breakpoint
CREATE INDEX `sessions_kind_revoked` ON `sessions` (`kind`,`revoked_at`);