-- Reminders before a deadline (Art. 11.3, 16.4): when a step's clock starts, the instants of its
-- two reminders are fixed with the calendar in force, at a share of its working time and a
-- working time before its deadline; the sweeper sends each once and marks it.
ALTER TABLE clocks ADD COLUMN remind_at TIMESTAMP;
ALTER TABLE clocks ADD COLUMN reminded_at TIMESTAMP;
ALTER TABLE clocks ADD COLUMN warn_at TIMESTAMP;
ALTER TABLE clocks ADD COLUMN warned_at TIMESTAMP;
CREATE INDEX clocks_remind ON clocks (remind_at)
    WHERE reminded_at IS NULL AND done_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX clocks_warn ON clocks (warn_at)
    WHERE warned_at IS NULL AND done_at IS NULL AND cancelled_at IS NULL;
