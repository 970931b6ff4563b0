-- The ecosystem the Gatekeeper and User Service faces work in unless DEFAULT_ECOSYSTEM names another.
INSERT OR IGNORE INTO ecosystems (id, name, created_at) VALUES ('default', 'default', 0);
