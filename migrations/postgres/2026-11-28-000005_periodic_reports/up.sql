-- Issued periodic reports (Decree 09/2019 Art. 12): frozen snapshots, never changed afterwards.
CREATE TABLE periodic_reports (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    n INTEGER NOT NULL,
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    issued_by TEXT NOT NULL REFERENCES users (id),
    note TEXT,
    data TEXT NOT NULL,
    UNIQUE (kind, year, n)
);
