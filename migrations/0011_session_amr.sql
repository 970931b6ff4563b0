-- How the person proved who they are when the session started (issue 20, the authenticator seam):
-- RFC 8176 `amr` values as a JSON array, written by the statement that inserts the session. No
-- backfill: a session older than the column says nothing of its sign-in, and its tokens carry no
-- `amr` rather than a guessed one.
ALTER TABLE `sessions` ADD `amr` text;
