DROP INDEX reports_due;
CREATE INDEX reports_due ON reports (next_due_at);
DROP INDEX reports_status;
CREATE INDEX reports_status ON reports (status, submitted_at);
DROP INDEX reports_public;
