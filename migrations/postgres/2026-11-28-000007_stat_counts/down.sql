DROP INDEX clocks_pending;
DROP TABLE stat_counts;
