-- Who holds each enterprise's sync lock: one sync per enterprise at a time. On SQLite the
-- row is the lock (taken only when free or expired; its holder renews `expires_at` while it
-- runs, so a killed sync's lock lapses); on PostgreSQL the lock is a session advisory lock
-- and the row only names its holder for the message a second sync prints.
CREATE TABLE sync_locks (
    enterprise_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    acquired_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
