DROP INDEX clocks_warn;
DROP INDEX clocks_remind;
ALTER TABLE clocks DROP COLUMN warned_at;
ALTER TABLE clocks DROP COLUMN warn_at;
ALTER TABLE clocks DROP COLUMN reminded_at;
ALTER TABLE clocks DROP COLUMN remind_at;
