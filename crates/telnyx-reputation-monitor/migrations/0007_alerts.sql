-- Alerts with a lifecycle: a rule whose `notify` action names a channel opens an alert per
-- (rule, enterprise, subject) while its condition holds — the subject is a phone number, or
-- `sync` for the service's own `sync_failing` — reminds at most every `remind_every`, and
-- resolves when the condition stops holding. `pending` rows count consecutive syncs toward
-- a rule's `open_after`; `open` rows are live; `resolved` rows are history. A transition
-- and its outbox rows are written in one transaction, so a restart neither re-sends nor
-- loses one. `acknowledged_at` and `snoozed_until` are kept for a dashboard to set.
CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    enterprise_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    state TEXT NOT NULL,
    consecutive BIGINT NOT NULL,
    first_seen_at BIGINT NOT NULL,
    opened_at BIGINT,
    last_notified_at BIGINT,
    reminders_sent BIGINT NOT NULL,
    resolved_at BIGINT,
    detail TEXT,
    acknowledged_at BIGINT,
    snoozed_until BIGINT
);
-- At most one live (pending or open) alert per rule, enterprise and subject.
CREATE UNIQUE INDEX alerts_live ON alerts (rule, enterprise_id, subject) WHERE state <> 'resolved';
CREATE INDEX alerts_by_enterprise ON alerts (enterprise_id, state);
