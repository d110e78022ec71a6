-- Attachments of a report (Art. 4.3, 7.2): images, video, audio, the hotline's call recording.
-- Kept in the database, so backups and several server replicas need nothing more.
CREATE TABLE attachments (
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
CREATE INDEX attachments_report ON attachments (report_id);
