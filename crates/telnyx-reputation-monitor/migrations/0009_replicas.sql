-- Two `monitor serve` replicas on one PostgreSQL store: one leads (syncs and delivers) while
-- it holds a session advisory lock, the other stands by. `leader_terms` logs each time a
-- replica took the lead (its id, `HOST:PID`, and when), and each sweep names the replica
-- that ran it (NULL for a `monitor sync` run outside `serve`).
CREATE TABLE leader_terms (
    replica TEXT NOT NULL,
    since BIGINT NOT NULL,
    PRIMARY KEY (since, replica)
);

ALTER TABLE sweeps ADD COLUMN replica TEXT;
