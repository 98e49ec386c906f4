-- Remediation requests the monitor submitted (a rule's, delivered through the outbox) or was
-- told about (`remediation submit --record`), followed to their end state. `id` is Telnyx's
-- request id; `state` its last polled status (pending, in_progress, completed, failed,
-- cancelled); `polls` how often it was read, which spaces the next poll (`next_poll_at`)
-- the way `remediation submit --wait` does; `finished_at` the API's time of its final status.
CREATE TABLE remediations (
    id TEXT PRIMARY KEY,
    enterprise_id TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    state TEXT NOT NULL,
    polls BIGINT NOT NULL,
    last_polled_at BIGINT,
    next_poll_at BIGINT NOT NULL,
    finished_at BIGINT,
    source TEXT NOT NULL,
    rule TEXT
);
CREATE INDEX remediations_open ON remediations (finished_at, next_poll_at);

-- Each number of a request: its outcome once the request finished (remediated,
-- requires_review, refused, not_flagged, ineligible; failed or cancelled with the request),
-- and for a remediated number its spam risk re-read 1, 7 and 30 days after the request
-- finished, with when it was read.
CREATE TABLE remediation_numbers (
    remediation_id TEXT NOT NULL,
    enterprise_id TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    outcome TEXT,
    recheck_1d_risk TEXT,
    recheck_1d_at BIGINT,
    recheck_7d_risk TEXT,
    recheck_7d_at BIGINT,
    recheck_30d_risk TEXT,
    recheck_30d_at BIGINT,
    PRIMARY KEY (remediation_id, phone_number)
);
CREATE INDEX remediation_numbers_by_number ON remediation_numbers (enterprise_id, phone_number);
