-- Identities sealed at rest: the columns keep ciphertexts; lookups by phone and identity
-- number go through blind indexes (HMAC), never through the values.
DROP INDEX IF EXISTS report_reporters_phone;
DROP INDEX IF EXISTS calls_caller;
ALTER TABLE report_reporters ADD COLUMN phone_index TEXT;
ALTER TABLE report_reporters ADD COLUMN cccd_index TEXT;
CREATE INDEX report_reporters_phone_index ON report_reporters (phone_index);
CREATE INDEX report_reporters_cccd_index ON report_reporters (cccd_index);
ALTER TABLE calls ADD COLUMN caller_index TEXT;
CREATE INDEX calls_caller_index ON calls (caller_index, started_at);
