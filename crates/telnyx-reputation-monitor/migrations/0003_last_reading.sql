-- Each number's latest reading, kept on its row (a compact JSON array written by the store
-- with every reading it inserts), so a sync reads one row per number instead of finding
-- each number's newest reading in the whole history. NULL until the first sync after this
-- migration, which fills it from the readings table.
ALTER TABLE monitored_numbers ADD COLUMN last_reading TEXT;
