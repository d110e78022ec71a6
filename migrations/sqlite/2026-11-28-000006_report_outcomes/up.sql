-- The processing time of each published report, in working seconds from submission to
-- publication, computed once at publication with the calendar in force (like a deadline, it
-- does not move when the calendar changes later). Statistics aggregate it in the database.
CREATE TABLE report_outcomes (
    report_id TEXT PRIMARY KEY NOT NULL REFERENCES reports (id),
    published_at TIMESTAMP NOT NULL,
    processing_seconds BIGINT NOT NULL
);
CREATE INDEX report_outcomes_published ON report_outcomes (published_at);

-- Statistics read clocks by deadline and lead assignments by date.
CREATE INDEX clocks_due ON clocks (due_at);
CREATE INDEX assignments_made ON assignments (role, assigned_at);
