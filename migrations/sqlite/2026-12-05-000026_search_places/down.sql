DROP TRIGGER duplicates_cells_del;
DROP TRIGGER duplicates_cells_ins;
DROP TRIGGER reports_cells_upd;
DROP TRIGGER reports_cells_ins;
DROP TABLE map_levels;
DROP TABLE map_cells;
DROP TRIGGER reports_place_upd;
DROP TRIGGER report_search_place_del;
DROP TRIGGER report_search_place_ins;
DROP TABLE report_places;
DROP TABLE report_duplicates;
DROP TRIGGER report_search_fts_upd;
DROP TRIGGER report_search_fts_del;
DROP TRIGGER report_search_fts_ins;
DROP TABLE report_fts_vocab;
DROP TABLE report_fts;
CREATE TABLE report_search_v1 (
    report_id TEXT PRIMARY KEY NOT NULL REFERENCES reports (id),
    text TEXT NOT NULL
);
INSERT INTO report_search_v1 (report_id, text) SELECT report_id, text FROM report_search;
DROP TABLE report_search;
ALTER TABLE report_search_v1 RENAME TO report_search;
