-- The outbox: every action a sync's rules decided (a notification, a remediation request)
-- and every webhook delivery to forward, written in the same transaction as what caused it,
-- then delivered by a separate step that marks each row done only once it succeeded.
-- `idempotency_key` names the decision (e.g. rule, action and sweep), so a decision is
-- stored once however often it is replayed; `id` is the stable delivery id receivers see.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    enterprise_id TEXT,
    rule TEXT,
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    result TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Ownership deadlines a `confirm_within_days` rule already fired for (stage 0: the first
-- alert, 1: the configured reminder), so each fires once per number and deadline.
CREATE TABLE deadline_alerts (
    enterprise_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    confirm_by BIGINT NOT NULL,
    stage BIGINT NOT NULL,
    fired_at BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, rule, phone_number, confirm_by, stage)
);
