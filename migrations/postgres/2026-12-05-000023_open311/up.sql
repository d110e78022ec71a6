-- Open311 GeoReport v2 clients: each city app gets its own api_key from an admin (only its
-- SHA-256 is kept; its first characters tell keys apart). The app's name is recorded as the
-- source of the reports it files; a revoked key files nothing more; each key has its own rate.
CREATE TABLE open311_clients (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    key_prefix TEXT NOT NULL,
    rate_per_minute INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    rotated_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX open311_clients_key ON open311_clients (key_hash);

-- The reports filed through Open311: the client that filed it (it alone reads the report by
-- id or token before the IOC verifies it) and the token answered to it.
CREATE TABLE open311_requests (
    report_id TEXT PRIMARY KEY NOT NULL REFERENCES reports (id),
    client_id TEXT NOT NULL REFERENCES open311_clients (id),
    token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX open311_requests_token ON open311_requests (token);
