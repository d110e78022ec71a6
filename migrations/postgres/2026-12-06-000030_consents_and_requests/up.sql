-- Personal data (Law 91/2025/QH15, Decree 356/2025/NĐ-CP; Art. 4.5): every consent a reporter
-- gave or refused, the legal basis recorded where consent is not the basis, and the requests a
-- data subject makes (copy, correct, restrict, delete, withdraw), each with its clock.
CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    purpose TEXT NOT NULL,
    basis TEXT NOT NULL,
    granted BOOLEAN NOT NULL,
    wording_version TEXT,
    channel TEXT NOT NULL,
    proof TEXT,
    recorded_by TEXT REFERENCES users (id),
    given_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawn_by_request TEXT
);
CREATE INDEX consents_report ON consents (report_id, purpose);

ALTER TABLE report_reporters ADD COLUMN restricted BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE report_reporters ADD COLUMN erased_at TIMESTAMP;

CREATE TABLE subject_requests (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    user_id TEXT REFERENCES users (id),
    report_id TEXT REFERENCES reports (id),
    purpose TEXT,
    details TEXT,
    status TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    handled_by TEXT REFERENCES users (id),
    handled_at TIMESTAMP,
    answer TEXT,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX subject_requests_queue ON subject_requests (status, due_at);
CREATE INDEX subject_requests_user ON subject_requests (user_id);
CREATE INDEX subject_requests_report ON subject_requests (report_id);
CREATE INDEX identity_reads_at ON identity_reads (at);

-- Incidents touching personal data: the authority is told within 72 hours of detection.
CREATE TABLE privacy_incidents (
    id TEXT PRIMARY KEY NOT NULL,
    summary TEXT NOT NULL,
    detected_at TIMESTAMP NOT NULL,
    occurred_from TIMESTAMP NOT NULL,
    occurred_to TIMESTAMP NOT NULL,
    account_id TEXT REFERENCES users (id),
    notice_due_at TIMESTAMP NOT NULL,
    notified_at TIMESTAMP,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 0
);
