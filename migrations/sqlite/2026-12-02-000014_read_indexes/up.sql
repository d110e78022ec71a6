-- Lists return their first page from an index, without reading or sorting the table.
-- The public list: published, not confidential, not state secret, newest publication first.
CREATE INDEX reports_public ON reports (status, confidential, state_secret, published_at, id);
-- Staff lists by state, newest first, and by the soonest running deadline; ties by id.
DROP INDEX reports_status;
CREATE INDEX reports_status ON reports (status, submitted_at, id);
DROP INDEX reports_due;
CREATE INDEX reports_due ON reports (next_due_at, id);
