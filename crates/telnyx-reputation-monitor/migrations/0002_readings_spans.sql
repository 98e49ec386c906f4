-- The report's risk spans (LEAD over each number's readings in time order) read only the
-- number, time and risk of every reading: this index holds exactly those, so the span query
-- walks it alone instead of looking each reading's row up in the table.
CREATE INDEX readings_spans ON readings (enterprise_id, phone_number, observed_at, spam_risk);
