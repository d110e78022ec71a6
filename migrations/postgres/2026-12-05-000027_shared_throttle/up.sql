-- The throttles' attempts, shared by every replica of the service (one row per attempt that
-- counts). Keys are SHA-256 digests of what is counted (an address, an account, a client), so
-- no address or login is stored. Rows older than the longest window are pruned by the sweeper.
CREATE TABLE throttle_hits (
    id TEXT PRIMARY KEY NOT NULL,
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX throttle_hits_key ON throttle_hits (bucket, key, at);
CREATE INDEX throttle_hits_at ON throttle_hits (at);
