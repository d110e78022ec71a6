DROP TABLE report_search;
