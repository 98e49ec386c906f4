-- The dashboard. An alert acknowledged or snoozed there (`alerts.acknowledged_at`,
-- `snoozed_until`, from migration 0007) also records who did it: the basic-auth user name
-- of the request, or `dashboard` / `api` without one.
ALTER TABLE alerts ADD COLUMN acknowledged_by TEXT;
ALTER TABLE alerts ADD COLUMN snoozed_by TEXT;
-- The alerts page lists one state newest first.
CREATE INDEX alerts_by_state ON alerts (state, first_seen_at);
-- The fleet's risk levels over time are today's counts walked back through the changes of
-- a number's risk (`spam_risk`) and its arrival or departure (`number`): this index reads
-- exactly those changes of the charted days, not every score drop.
CREATE INDEX changes_by_field ON changes (field, at);
-- A number's page lists its remediation requests.
CREATE INDEX remediation_numbers_by_phone ON remediation_numbers (phone_number);

-- Each number's current state on its row (the values of its newest stored reading, which
-- the store writes with every reading it inserts), so that the dashboard filters, sorts and
-- counts 100,000 numbers without finding each one's newest reading in the history; and
-- when the number last changed, so "changed since" is one indexed range. Filled here from
-- the history for an existing store.
ALTER TABLE monitored_numbers ADD COLUMN cur_observed_at BIGINT;
ALTER TABLE monitored_numbers ADD COLUMN cur_risk TEXT;
ALTER TABLE monitored_numbers ADD COLUMN cur_category TEXT;
ALTER TABLE monitored_numbers ADD COLUMN cur_maturity BIGINT;
ALTER TABLE monitored_numbers ADD COLUMN cur_connection BIGINT;
ALTER TABLE monitored_numbers ADD COLUMN cur_engagement BIGINT;
ALTER TABLE monitored_numbers ADD COLUMN cur_sentiment BIGINT;
ALTER TABLE monitored_numbers ADD COLUMN cur_ownership TEXT;
ALTER TABLE monitored_numbers ADD COLUMN last_changed_at BIGINT;
UPDATE monitored_numbers SET cur_observed_at = (SELECT MAX(r.observed_at) FROM readings r
    WHERE r.enterprise_id = monitored_numbers.enterprise_id
    AND r.phone_number = monitored_numbers.phone_number);
UPDATE monitored_numbers SET
    cur_risk = (SELECT r.spam_risk FROM readings r
        WHERE r.enterprise_id = monitored_numbers.enterprise_id
        AND r.phone_number = monitored_numbers.phone_number
        AND r.observed_at = monitored_numbers.cur_observed_at),
    cur_category = (SELECT r.spam_category FROM readings r
        WHERE r.enterprise_id = monitored_numbers.enterprise_id
        AND r.phone_number = monitored_numbers.phone_number
        AND r.observed_at = monitored_numbers.cur_observed_at),
    cur_maturity = (SELECT r.maturity_score FROM readings r
        WHERE r.enterprise_id = monitored_numbers.enterprise_id
        AND r.phone_number = monitored_numbers.phone_number
        AND r.observed_at = monitored_numbers.cur_observed_at),
    cur_connection = (SELECT r.connection_score FROM readings r
        WHERE r.enterprise_id = monitored_numbers.enterprise_id
        AND r.phone_number = monitored_numbers.phone_number
        AND r.observed_at = monitored_numbers.cur_observed_at),
    cur_engagement = (SELECT r.engagement_score FROM readings r
        WHERE r.enterprise_id = monitored_numbers.enterprise_id
        AND r.phone_number = monitored_numbers.phone_number
        AND r.observed_at = monitored_numbers.cur_observed_at),
    cur_sentiment = (SELECT r.sentiment_score FROM readings r
        WHERE r.enterprise_id = monitored_numbers.enterprise_id
        AND r.phone_number = monitored_numbers.phone_number
        AND r.observed_at = monitored_numbers.cur_observed_at),
    cur_ownership = (SELECT r.ownership_status FROM readings r
        WHERE r.enterprise_id = monitored_numbers.enterprise_id
        AND r.phone_number = monitored_numbers.phone_number
        AND r.observed_at = monitored_numbers.cur_observed_at),
    last_changed_at = (SELECT MAX(c.at) FROM changes c
        WHERE c.enterprise_id = monitored_numbers.enterprise_id
        AND c.phone_number = monitored_numbers.phone_number);
-- The fleet's counts per enterprise and risk read this index alone, in its order.
CREATE INDEX monitored_numbers_current
    ON monitored_numbers (enterprise_id, cur_risk, removed_at, cur_observed_at);
CREATE INDEX monitored_numbers_changed ON monitored_numbers (last_changed_at);

-- Changes recorded per enterprise and kind, counted as they are written (what
-- `telnyx_reputation_changes_total` exports: a counter, which retention does not lower).
CREATE TABLE change_counts (
    enterprise_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, kind)
);
INSERT INTO change_counts (enterprise_id, kind, n)
    SELECT enterprise_id, kind, COUNT(*) FROM changes GROUP BY enterprise_id, kind;
