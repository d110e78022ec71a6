DROP TABLE counters;
DROP TABLE calendar_days;
