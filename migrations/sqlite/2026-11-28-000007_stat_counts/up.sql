-- Statistics counters (src/service/stat_counts.rs): what each report contributes to the figures,
-- kept per local day and per month, in the same transaction as every change of the report, so a
-- year's summary reads a few thousand rows whatever the volume.
--   scope:  '*' (everything), 'public' (no confidential or state-secret report), or an agency id
--           (the reports with a not-cancelled assignment of that agency)
--   grain:  'd' (day is the local date) or 'm' (day is the first of the local month)
--   metric, k1, k2: what is counted, under which keys ('' when there is none)
CREATE TABLE stat_counts (
    scope TEXT NOT NULL,
    grain TEXT NOT NULL,
    day DATE NOT NULL,
    metric TEXT NOT NULL,
    k1 TEXT NOT NULL,
    k2 TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (scope, grain, day, metric, k1, k2)
) WITHOUT ROWID;

-- The steps not done yet: statistics read them live (running or late depends on the instant).
CREATE INDEX clocks_pending ON clocks (due_at) WHERE done_at IS NULL AND cancelled_at IS NULL;
