-- The e-mail channel (Art. 6.1c, 7.2): every message that reaches the province's mailbox, kept
-- byte for byte, with what became of it. A message the IOC must read waits in its queue
-- (status 'queued'); an operator turns it into a report ('converted') or refuses it with a
-- reason that is sent back ('refused'). A reply of a reporter that supplements or answers their
-- report is 'attached' to it; auto-replies, bounces, bulk mail and our own messages are
-- 'ignored'; a message too large or unreadable is 'unreadable', kept for the IOC to read.
CREATE TABLE mail_messages (
    id TEXT PRIMARY KEY NOT NULL,
    received_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    raw BYTEA NOT NULL,
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
-- The same bytes delivered twice (an MTA's retry) are one message.
CREATE UNIQUE INDEX mail_messages_sha256 ON mail_messages (sha256);
CREATE INDEX mail_messages_queue ON mail_messages (status, received_at, id);
CREATE INDEX mail_messages_report ON mail_messages (report_id);

-- The 1022 switchboard (Art. 6.1a, 7.2, 8.6): every call it recorded, with its recording.
-- An inbound call waits in the IOC's queue from 'queued_from' (for a call after hours, the next
-- office session); an operator turns it into a report ('converted'), attaches it to a report
-- the caller asked about ('attached') or records it as an emergency forwarded to an agency
-- ('forwarded'). Outbound calls (the IOC calling back) are 'logged' and may be attached.
CREATE TABLE calls (
    id TEXT PRIMARY KEY NOT NULL,
    switchboard_id TEXT,
    caller TEXT NOT NULL,
    line TEXT NOT NULL,
    direction TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP NOT NULL,
    after_hours BOOLEAN NOT NULL,
    queued_from TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL,
    recording_type TEXT,
    recording_name TEXT,
    recording_size BIGINT,
    recording_sha256 TEXT,
    recording BYTEA,
    status TEXT NOT NULL,
    report_id TEXT REFERENCES reports (id),
    agency_id TEXT REFERENCES agencies (id),
    note TEXT,
    claimed_by TEXT REFERENCES users (id),
    claimed_at TIMESTAMP,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP,
    version INTEGER NOT NULL
);
-- A call posted twice by the switchboard (a retry) is one call.
CREATE UNIQUE INDEX calls_switchboard_id ON calls (switchboard_id);
CREATE INDEX calls_queue ON calls (status, queued_from, id);
CREATE INDEX calls_caller ON calls (caller, started_at);
CREATE INDEX calls_report ON calls (report_id);

-- The IOC finds the reports of a caller by their number (operators only).
CREATE INDEX report_reporters_phone ON report_reporters (phone);
