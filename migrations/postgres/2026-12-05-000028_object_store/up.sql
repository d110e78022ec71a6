-- Files move to the object store, addressed by their SHA-256: a row's bytes are NULL once they
-- are there (rows written before keep theirs until `paht move-files` or the background mover
-- moves them).
ALTER TABLE attachments ALTER COLUMN data DROP NOT NULL;
ALTER TABLE mail_messages ALTER COLUMN raw DROP NOT NULL;
-- The collector asks whether anything still names an object.
CREATE INDEX attachments_sha256 ON attachments (sha256);
CREATE INDEX calls_recording_sha256 ON calls (recording_sha256);
-- An issued letter's PDF, rendered once and kept in the object store.
ALTER TABLE letters ADD COLUMN pdf_sha256 TEXT;
CREATE INDEX letters_pdf_sha256 ON letters (pdf_sha256);
