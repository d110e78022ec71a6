-- Foundation: administrative units, agencies, categories, accounts, refresh tokens.
-- Ids are made by the application (UUIDv7 text); timestamps are UTC, bound by the application.

CREATE TABLE admin_units (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_code TEXT REFERENCES admin_units (code),
    valid_from DATE,
    valid_to DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX admin_units_parent ON admin_units (parent_code);

CREATE TABLE agencies (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id TEXT REFERENCES agencies (id),
    admin_unit_code TEXT REFERENCES admin_units (code),
    participating BOOLEAN NOT NULL,
    email TEXT,
    phone TEXT,
    focal_leader_id TEXT,
    focal_staff_id TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT UNIQUE,
    email TEXT UNIQUE,
    phone TEXT UNIQUE,
    full_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    agency_id TEXT REFERENCES agencies (id),
    disabled BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_agency ON users (agency_id);
CREATE INDEX users_role ON users (role);
ALTER TABLE agencies ADD CONSTRAINT agencies_focal_leader FOREIGN KEY (focal_leader_id) REFERENCES users (id);
ALTER TABLE agencies ADD CONSTRAINT agencies_focal_staff FOREIGN KEY (focal_staff_id) REFERENCES users (id);

CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    family_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE categories (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    default_agency_id TEXT REFERENCES agencies (id),
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Seed steps that ran once (reference data), so an admin's later edits are never undone.
CREATE TABLE seed_runs (
    name TEXT PRIMARY KEY NOT NULL,
    applied_at TIMESTAMP NOT NULL
);
