DROP INDEX assignments_made;
DROP INDEX clocks_due;
DROP TABLE report_outcomes;
