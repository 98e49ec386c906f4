-- The monitor's schema, written once in the SQL that SQLite and PostgreSQL share: no
-- autoincrement, no dialect types. Times are BIGINT microseconds since the Unix epoch (UTC).

-- Every number a sync has seen, with when it was first and last seen and, once it left
-- monitoring, when that was noticed.
CREATE TABLE monitored_numbers (
    enterprise_id TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    removed_at BIGINT,
    PRIMARY KEY (enterprise_id, phone_number)
);

-- A reading is stored only when it differs from the number's previous one (changes, not copies).
CREATE TABLE readings (
    enterprise_id TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    observed_at BIGINT NOT NULL,
    spam_risk TEXT,
    spam_category TEXT,
    maturity_score BIGINT,
    connection_score BIGINT,
    engagement_score BIGINT,
    sentiment_score BIGINT,
    ownership_status TEXT,
    confirm_by BIGINT,
    refreshed_at BIGINT,
    PRIMARY KEY (enterprise_id, phone_number, observed_at)
);

-- What each sync reported as changed.
CREATE TABLE changes (
    enterprise_id TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    PRIMARY KEY (enterprise_id, phone_number, at, kind, field)
);
CREATE INDEX changes_by_time ON changes (at);

-- One row per sync.
CREATE TABLE sweeps (
    enterprise_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    numbers BIGINT NOT NULL,
    readings_written BIGINT NOT NULL,
    changes BIGINT NOT NULL,
    fresh_reads BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, at)
);

-- Verified webhook deliveries, once each (a redelivery reuses data.id).
CREATE TABLE webhook_events (
    event_id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    enterprise_id TEXT,
    phone_number TEXT,
    occurred_at BIGINT,
    received_at BIGINT NOT NULL,
    flag_reason TEXT,
    confirm_by BIGINT,
    body TEXT NOT NULL
);
CREATE INDEX webhook_events_by_number ON webhook_events (enterprise_id, phone_number);
