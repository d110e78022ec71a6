DROP INDEX calls_caller_index;
ALTER TABLE calls DROP COLUMN caller_index;
DROP INDEX report_reporters_cccd_index;
DROP INDEX report_reporters_phone_index;
ALTER TABLE report_reporters DROP COLUMN cccd_index;
ALTER TABLE report_reporters DROP COLUMN phone_index;
CREATE INDEX calls_caller ON calls (caller, started_at);
CREATE INDEX report_reporters_phone ON report_reporters (phone);
