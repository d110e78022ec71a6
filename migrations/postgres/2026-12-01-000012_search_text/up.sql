-- The folded search text of each report (NFC, lower case, diacritics removed, đ→d) over its
-- code, title, content (and corrected content) and address, written by the application with
-- every change: SQLite's lower() folds ASCII only, and nobody should need diacritics to search.
-- Reports from before are filled in once at start.
CREATE TABLE report_search (
    report_id TEXT PRIMARY KEY NOT NULL REFERENCES reports (id),
    text TEXT NOT NULL
);
