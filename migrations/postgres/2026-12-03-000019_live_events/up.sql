-- The feed of report changes behind the live stream (GET /api/v1/events/stream): one row per
-- report event, written in the transaction of the event. Sequence numbers are taken before
-- commit, so they do not give the order of the commits: each row keeps the id of its
-- transaction, and a reader takes only rows of transactions older than every transaction still
-- running (pg_snapshot_xmin), in (txid, id) order. No row can then appear behind a reader.
CREATE TABLE live_events (
    id BIGSERIAL PRIMARY KEY,
    txid BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    report_id TEXT NOT NULL REFERENCES reports (id),
    event_seq BIGINT NOT NULL,
    action TEXT NOT NULL,
    status TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX live_events_order ON live_events (txid, id);
CREATE INDEX live_events_at ON live_events (at);
