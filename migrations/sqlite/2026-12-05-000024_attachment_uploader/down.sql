CREATE TABLE attachments_old (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL,
    content_type TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
INSERT INTO attachments_old (id, report_id, kind, content_type, file_name, size_bytes, sha256, data, uploaded_by, created_at)
    SELECT id, report_id, kind, content_type, file_name, size_bytes, sha256, data, uploaded_by, created_at FROM attachments
    WHERE uploaded_by IS NOT NULL;
DROP TABLE attachments;
ALTER TABLE attachments_old RENAME TO attachments;
CREATE INDEX attachments_report ON attachments (report_id);
