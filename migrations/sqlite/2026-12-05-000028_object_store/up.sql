-- Files move to the object store, addressed by their SHA-256: a row's bytes are NULL once they
-- are there (rows written before keep theirs until `paht move-files` or the background mover
-- moves them). SQLite changes a column's constraint by rebuilding the table (foreign keys are
-- off while migrations run).
CREATE TABLE attachments_new (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB,
    uploaded_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
INSERT INTO attachments_new (id, report_id, kind, content_type, file_name, size_bytes, sha256, data, uploaded_by, created_at)
    SELECT id, report_id, kind, content_type, file_name, size_bytes, sha256, data, uploaded_by, created_at FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
CREATE INDEX attachments_report ON attachments (report_id);
-- The collector asks whether anything still names an object.
CREATE INDEX attachments_sha256 ON attachments (sha256);

CREATE TABLE mail_messages_new (
    id TEXT PRIMARY KEY NOT NULL,
    received_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    raw BLOB,
    message_id TEXT,
    from_address TEXT,
    from_name TEXT,
    subject TEXT,
    sent_at TIMESTAMP,
    body_text TEXT NOT NULL,
    attachment_count INTEGER NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    note TEXT,
    report_id TEXT REFERENCES reports (id),
    claimed_by TEXT REFERENCES users (id),
    claimed_at TIMESTAMP,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    version INTEGER NOT NULL
);
INSERT INTO mail_messages_new SELECT id, received_at, source, sha256, size_bytes, raw, message_id,
    from_address, from_name, subject, sent_at, body_text, attachment_count, status, reason, note,
    report_id, claimed_by, claimed_at, decided_by, decided_at, version FROM mail_messages;
DROP TABLE mail_messages;
ALTER TABLE mail_messages_new RENAME TO mail_messages;
CREATE UNIQUE INDEX mail_messages_sha256 ON mail_messages (sha256);
CREATE INDEX mail_messages_queue ON mail_messages (status, received_at, id);
CREATE INDEX mail_messages_report ON mail_messages (report_id);

CREATE INDEX calls_recording_sha256 ON calls (recording_sha256);

-- An issued letter's PDF, rendered once and kept in the object store.
ALTER TABLE letters ADD COLUMN pdf_sha256 TEXT;
CREATE INDEX letters_pdf_sha256 ON letters (pdf_sha256);
