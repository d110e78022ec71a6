-- The transactional outbox: every message that an event of a report (or of the system) must
-- send is written in the transaction of that event, then delivered by the dispatcher at least
-- once. The id is the delivery id receivers de-duplicate on; it never changes across retries.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    report_id TEXT REFERENCES reports (id),
    event_id TEXT,
    transport TEXT NOT NULL,
    recipient TEXT NOT NULL,
    user_id TEXT REFERENCES users (id),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    segments INTEGER NOT NULL,
    thread_key TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_id TEXT,
    lease_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    last_error TEXT
);
-- What the dispatcher claims next.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_status ON outbox (status, created_at);
CREATE INDEX outbox_report ON outbox (report_id);

-- Every delivery attempt, kept as the proof that a message was sent (or why not).
CREATE TABLE outbox_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    message_id TEXT NOT NULL REFERENCES outbox (id),
    attempt INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    ok BOOLEAN NOT NULL,
    detail TEXT NOT NULL,
    duration_ms BIGINT NOT NULL
);
CREATE INDEX outbox_attempts_message ON outbox_attempts (message_id, attempt);

-- The in-app inbox of every account.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    report_id TEXT REFERENCES reports (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    title_en TEXT NOT NULL,
    body_en TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user ON notifications (user_id, created_at, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- The messages' wording, edited by admins; a kind without a row uses the built-in wording.
CREATE TABLE message_templates (
    kind TEXT PRIMARY KEY NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    short TEXT NOT NULL,
    subject_en TEXT NOT NULL,
    body_en TEXT NOT NULL,
    short_en TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users (id)
);

-- The app's devices that receive push messages for an account.
CREATE TABLE push_devices (
    token TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    platform TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX push_devices_user ON push_devices (user_id);
