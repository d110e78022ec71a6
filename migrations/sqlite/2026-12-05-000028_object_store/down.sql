DROP INDEX letters_pdf_sha256;
ALTER TABLE letters DROP COLUMN pdf_sha256;
DROP INDEX calls_recording_sha256;
DROP INDEX attachments_sha256;
