DROP TABLE privacy_incidents;
DROP INDEX identity_reads_at;
DROP TABLE subject_requests;
ALTER TABLE report_reporters DROP COLUMN restricted;
ALTER TABLE report_reporters DROP COLUMN erased_at;
DROP TABLE consents;
