-- The feed of report changes behind the live stream (GET /api/v1/events/stream): one row per
-- report event, written in the transaction of the event. SQLite has one writer, so the order of
-- the ids is the order of the commits; the transaction column is 0.
CREATE TABLE live_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    txid BIGINT NOT NULL DEFAULT 0,
    report_id TEXT NOT NULL REFERENCES reports (id),
    event_seq BIGINT NOT NULL,
    action TEXT NOT NULL,
    status TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX live_events_at ON live_events (at);
