-- The official letters of Annex I: issued when a result is approved, numbered without gaps per
-- agency and year (the number is taken in the approval's transaction), and kept as issued so
-- the letter reads the same whenever it is printed.
CREATE TABLE letters (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    assignment_id TEXT NOT NULL REFERENCES assignments (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    number BIGINT NOT NULL,
    symbol TEXT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    parent_name TEXT,
    agency_name TEXT NOT NULL,
    place TEXT NOT NULL,
    addressee TEXT NOT NULL,
    answer TEXT NOT NULL,
    signer_title TEXT NOT NULL,
    signer_name TEXT NOT NULL,
    UNIQUE (agency_id, year, number)
);
CREATE INDEX letters_report ON letters (report_id, issued_at);
