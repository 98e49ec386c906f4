-- What the enterprise was billed, per UTC day, as far as the monitor can know it: scheduled
-- re-checks it observed (each advance of a number's last_refreshed_at that its own fresh
-- reads did not cause), and the fresh reads and remediations it made itself (exact). Counts,
-- not dollars: the price table prices them when they are shown, so a corrected price
-- re-prices the history. `day` is the day's UTC midnight in microseconds.
CREATE TABLE spend_days (
    enterprise_id TEXT NOT NULL,
    day BIGINT NOT NULL,
    scheduled_checks BIGINT NOT NULL,
    fresh_checks BIGINT NOT NULL,
    remediations BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, day)
);
