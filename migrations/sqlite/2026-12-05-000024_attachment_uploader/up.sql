-- An attachment sent by a reporter without an account (an Open311 app's picture, a file of an
-- e-mail reply) has no account behind it: its uploader is then empty. SQLite changes a column's
-- constraint by rebuilding the table (foreign keys are off while migrations run).
CREATE TABLE attachments_new (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
INSERT INTO attachments_new (id, report_id, kind, content_type, file_name, size_bytes, sha256, data, uploaded_by, created_at)
    SELECT id, report_id, kind, content_type, file_name, size_bytes, sha256, data, uploaded_by, created_at FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
CREATE INDEX attachments_report ON attachments (report_id);
