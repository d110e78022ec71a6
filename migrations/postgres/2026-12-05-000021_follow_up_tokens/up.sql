-- The follow-up token of each report (Art. 7.1, 10): with the tracking code it lets a reporter
-- without an account follow, supplement and rate their report. Only its SHA-256 is kept; the
-- token itself goes once to the reporter, through the channel of intake. The IOC can revoke it
-- and issue another (the row is replaced, the events keep the story).
CREATE TABLE follow_up_tokens (
    report_id TEXT PRIMARY KEY NOT NULL REFERENCES reports (id),
    token_hash TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    issued_by TEXT REFERENCES users (id),
    revoked_at TIMESTAMP
);
