-- Other systems subscribe to report events (Standard Webhooks): deliveries go through the
-- outbox, signed with the subscription's secret, carrying ids and public fields only. A
-- subscription that keeps failing is disabled and the admins are told.
CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    description TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    failing_since TIMESTAMP,
    disabled_at TIMESTAMP,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
