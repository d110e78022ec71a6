-- The working calendar: dates that depart from the Monday–Friday rule (holidays, compensatory
-- days, swapped days off, Saturdays worked in exchange), with the document that decided them.
CREATE TABLE calendar_days (
    day DATE PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    note TEXT NOT NULL,
    legal_basis TEXT,
    confirmed BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Named counters, changed only inside write transactions: the calendar's revision (so each
-- server replica knows when to reload it), and later per-year sequences.
CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);
