-- Art. 17: reporters whose emergency report saved people or property, or whose suggestion
-- proved useful, and staff who did outstanding work, may be proposed for recognition; the head
-- of the processing agency (or the IOC) proposes it to the province with a reason.
CREATE TABLE recognition_proposals (
    id TEXT PRIMARY KEY NOT NULL,
    nominee TEXT NOT NULL,
    ground TEXT NOT NULL,
    report_id TEXT REFERENCES reports (id),
    user_id TEXT REFERENCES users (id),
    reason TEXT NOT NULL,
    proposed_by TEXT NOT NULL REFERENCES users (id),
    proposed_role TEXT NOT NULL,
    proposed_agency_id TEXT REFERENCES agencies (id),
    proposed_at TIMESTAMP NOT NULL
);
CREATE INDEX recognition_proposals_at ON recognition_proposals (proposed_at, id);
