-- Reports (phản ánh), their assignments to agencies, the clocks of every step, extensions,
-- history, feedback, ratings, reads of reporter identity, and idempotent submissions.

CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    content_corrected TEXT,
    category_code TEXT NOT NULL REFERENCES categories (code),
    address TEXT NOT NULL,
    admin_unit_code TEXT NOT NULL REFERENCES admin_units (code),
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    incident_at TIMESTAMP,
    reporter_user_id TEXT REFERENCES users (id),
    consent_share_contact BOOLEAN NOT NULL,
    consent_public_name BOOLEAN NOT NULL,
    confidential BOOLEAN NOT NULL,
    emergency BOOLEAN NOT NULL,
    state_secret BOOLEAN NOT NULL,
    entered_by TEXT REFERENCES users (id),
    lead_agency_id TEXT REFERENCES agencies (id),
    rejection_reason TEXT,
    forward_kind TEXT,
    forward_agency_id TEXT REFERENCES agencies (id),
    rating TEXT,
    extension_used BOOLEAN NOT NULL,
    next_due_at TIMESTAMP,
    submitted_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX reports_status ON reports (status, submitted_at);
CREATE INDEX reports_submitted ON reports (submitted_at, id);
CREATE INDEX reports_reporter ON reports (reporter_user_id, submitted_at);
CREATE INDEX reports_published ON reports (published_at);
CREATE INDEX reports_due ON reports (next_due_at);

-- The reporter's identity (Art. 4.2), kept apart from the report: only code that is allowed to
-- see it reads this table, and every read by staff is recorded in identity_reads.
CREATE TABLE report_reporters (
    report_id TEXT PRIMARY KEY NOT NULL REFERENCES reports (id),
    full_name TEXT NOT NULL,
    contact_address TEXT NOT NULL,
    cccd TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT,
    organization TEXT
);

-- Emergencies (Art. 8.6): the forwarded call, the end of the work on the ground, the record.
CREATE TABLE emergencies (
    report_id TEXT PRIMARY KEY NOT NULL REFERENCES reports (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    called_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    summary TEXT,
    recorded_at TIMESTAMP
);

CREATE TABLE assignments (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    role TEXT NOT NULL,
    lead_assignment_id TEXT REFERENCES assignments (id),
    status TEXT NOT NULL,
    assigned_at TIMESTAMP NOT NULL,
    assigned_by TEXT REFERENCES users (id),
    accepted_at TIMESTAMP,
    returned_at TIMESTAMP,
    return_reason TEXT,
    suggested_agency_id TEXT REFERENCES agencies (id),
    result_addressee TEXT,
    result_answer TEXT,
    result_signer_title TEXT,
    submitted_at TIMESTAMP,
    approved_at TIMESTAMP,
    approved_by TEXT REFERENCES users (id),
    leader_note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX assignments_report ON assignments (report_id);
CREATE INDEX assignments_agency ON assignments (agency_id, status);

-- One row per step with a limit (src/domain/steps.rs): when its clock started, when it is due,
-- when it was done, when the sweeper found it overdue. Statistics count on time and late here.
CREATE TABLE clocks (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    assignment_id TEXT REFERENCES assignments (id),
    agency_id TEXT REFERENCES agencies (id),
    step TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    original_due_at TIMESTAMP NOT NULL,
    done_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    overdue_at TIMESTAMP
);
CREATE INDEX clocks_report ON clocks (report_id);
CREATE INDEX clocks_open ON clocks (due_at) WHERE done_at IS NULL AND cancelled_at IS NULL AND overdue_at IS NULL;
CREATE INDEX clocks_agency ON clocks (agency_id, step);

CREATE TABLE extensions (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL UNIQUE REFERENCES reports (id),
    assignment_id TEXT NOT NULL REFERENCES assignments (id),
    clock_id TEXT NOT NULL REFERENCES clocks (id),
    reason TEXT NOT NULL,
    notice_number TEXT NOT NULL,
    notice_date DATE NOT NULL,
    new_due_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES users (id),
    requested_at TIMESTAMP NOT NULL,
    confirmed_by TEXT REFERENCES users (id),
    confirmed_at TIMESTAMP,
    citizen_notified_at TIMESTAMP
);

CREATE TABLE report_events (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    seq BIGINT NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_user_id TEXT REFERENCES users (id),
    actor_role TEXT,
    actor_agency_id TEXT REFERENCES agencies (id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    assignment_id TEXT,
    note TEXT,
    UNIQUE (report_id, seq)
);

CREATE TABLE feedback (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    content TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    answer TEXT,
    answered_at TIMESTAMP,
    answered_by TEXT REFERENCES users (id),
    clock_id TEXT REFERENCES clocks (id)
);
CREATE INDEX feedback_report ON feedback (report_id);

CREATE TABLE ratings (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    rating TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ratings_report ON ratings (report_id);

CREATE TABLE identity_reads (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX identity_reads_report ON identity_reads (report_id);

CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL REFERENCES users (id),
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, key)
);
