-- Search, places and duplicates.
--
-- 1. Full text. `report_search` gets a stable integer key (`doc`, the row id of both indexes
--    below) and a second text, `public_text`, made only of what the public may read (code,
--    title, the content as corrected, the address, the published answer): a public search never
--    matches words only staff can see. Both texts are written by the application, folded (NFC,
--    lower case, no diacritics, đ→d) and cut into words, the same on both databases; FTS5 indexes
--    them (an external-content index over this table, kept by the triggers below).
CREATE TABLE report_search_v2 (
    doc INTEGER PRIMARY KEY,
    report_id TEXT NOT NULL UNIQUE REFERENCES reports (id),
    text TEXT NOT NULL,
    public_text TEXT NOT NULL DEFAULT ''
);
INSERT INTO report_search_v2 (report_id, text) SELECT report_id, text FROM report_search;
DROP TABLE report_search;
ALTER TABLE report_search_v2 RENAME TO report_search;

CREATE VIRTUAL TABLE report_fts USING fts5 (
    text, public_text,
    content = 'report_search', content_rowid = 'doc',
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3'
);
CREATE TRIGGER report_search_fts_ins AFTER INSERT ON report_search BEGIN
    INSERT INTO report_fts (rowid, text, public_text) VALUES (new.doc, new.text, new.public_text);
END;
CREATE TRIGGER report_search_fts_del AFTER DELETE ON report_search BEGIN
    INSERT INTO report_fts (report_fts, rowid, text, public_text)
        VALUES ('delete', old.doc, old.text, old.public_text);
END;
CREATE TRIGGER report_search_fts_upd AFTER UPDATE ON report_search BEGIN
    INSERT INTO report_fts (report_fts, rowid, text, public_text)
        VALUES ('delete', old.doc, old.text, old.public_text);
    INSERT INTO report_fts (rowid, text, public_text) VALUES (new.doc, new.text, new.public_text);
END;
INSERT INTO report_fts (report_fts) VALUES ('rebuild');
-- How many reports hold each word: a list ordered by time reads a common word's matches newest
-- first and stops at its page; a rare word's matches are read whole.
CREATE VIRTUAL TABLE report_fts_vocab USING fts5vocab (report_fts, 'row');

-- 3. Duplicates: a child report follows its parent, linked (and unlinked) by the IOC.
CREATE TABLE report_duplicates (
    child_id TEXT PRIMARY KEY NOT NULL REFERENCES reports (id),
    parent_id TEXT NOT NULL REFERENCES reports (id),
    linked_by TEXT NOT NULL REFERENCES users (id),
    linked_at TIMESTAMP NOT NULL,
    note TEXT
);
CREATE INDEX report_duplicates_parent ON report_duplicates (parent_id);

-- 2. Places. An R*Tree over the reports' coordinates, keyed by `report_search.doc` (every
--    report has its search row from its creation), for bbox and radius filters.
CREATE VIRTUAL TABLE report_places USING rtree (id, min_lat, max_lat, min_lng, max_lng);
INSERT INTO report_places (id, min_lat, max_lat, min_lng, max_lng)
    SELECT s.doc, r.latitude, r.latitude, r.longitude, r.longitude
    FROM report_search s JOIN reports r ON r.id = s.report_id
    WHERE r.latitude IS NOT NULL AND r.longitude IS NOT NULL;
CREATE TRIGGER report_search_place_ins AFTER INSERT ON report_search BEGIN
    INSERT INTO report_places (id, min_lat, max_lat, min_lng, max_lng)
        SELECT new.doc, r.latitude, r.latitude, r.longitude, r.longitude
        FROM reports r
        WHERE r.id = new.report_id AND r.latitude IS NOT NULL AND r.longitude IS NOT NULL;
END;
CREATE TRIGGER report_search_place_del AFTER DELETE ON report_search BEGIN
    DELETE FROM report_places WHERE id = old.doc;
END;
CREATE TRIGGER reports_place_upd AFTER UPDATE OF latitude, longitude ON reports BEGIN
    DELETE FROM report_places
        WHERE id = (SELECT doc FROM report_search WHERE report_id = new.id);
    INSERT INTO report_places (id, min_lat, max_lat, min_lng, max_lng)
        SELECT s.doc, new.latitude, new.latitude, new.longitude, new.longitude
        FROM report_search s
        WHERE s.report_id = new.id AND new.latitude IS NOT NULL AND new.longitude IS NOT NULL;
END;

-- The map of the whole province at a million reports: how many reports lie in each grid cell,
-- at the levels 6, 8, …, 16 (a cell of level L is 360 / 2^(L+2) degrees square, so a map tile of
-- zoom L holds 4 × 4 of them), kept by triggers with every report placed, moved, merged into
-- another (a child counts once, as its parent) or unmerged. `cx`, `cy` are the cell's column and
-- row from (-180, -90).
CREATE TABLE map_cells (
    level INTEGER NOT NULL,
    cx INTEGER NOT NULL,
    cy INTEGER NOT NULL,
    reports BIGINT NOT NULL,
    PRIMARY KEY (level, cx, cy)
);
CREATE TABLE map_levels (level INTEGER PRIMARY KEY NOT NULL, per_degree REAL NOT NULL);
INSERT INTO map_levels (level, per_degree) VALUES
    (6, 256.0 / 360.0), (8, 1024.0 / 360.0), (10, 4096.0 / 360.0),
    (12, 16384.0 / 360.0), (14, 65536.0 / 360.0), (16, 262144.0 / 360.0);
-- (No report is a child yet.)
INSERT INTO map_cells (level, cx, cy, reports)
    SELECT l.level,
           CAST((r.longitude + 180.0) * l.per_degree AS INTEGER),
           CAST((r.latitude + 90.0) * l.per_degree AS INTEGER),
           COUNT(*)
    FROM reports r, map_levels l
    WHERE r.latitude IS NOT NULL AND r.longitude IS NOT NULL
    GROUP BY 1, 2, 3;
CREATE TRIGGER reports_cells_ins AFTER INSERT ON reports
WHEN new.latitude IS NOT NULL AND new.longitude IS NOT NULL BEGIN
    INSERT INTO map_cells (level, cx, cy, reports)
        SELECT level, CAST((new.longitude + 180.0) * per_degree AS INTEGER),
               CAST((new.latitude + 90.0) * per_degree AS INTEGER), 1
        FROM map_levels WHERE true
        ON CONFLICT (level, cx, cy) DO UPDATE SET reports = reports + 1;
END;
CREATE TRIGGER reports_cells_upd AFTER UPDATE OF latitude, longitude ON reports
WHEN NOT EXISTS (SELECT 1 FROM report_duplicates WHERE child_id = new.id) BEGIN
    UPDATE map_cells SET reports = reports - 1
        WHERE old.latitude IS NOT NULL AND old.longitude IS NOT NULL
          AND (level, cx, cy) IN (
            SELECT level, CAST((old.longitude + 180.0) * per_degree AS INTEGER),
                   CAST((old.latitude + 90.0) * per_degree AS INTEGER)
            FROM map_levels);
    INSERT INTO map_cells (level, cx, cy, reports)
        SELECT level, CAST((new.longitude + 180.0) * per_degree AS INTEGER),
               CAST((new.latitude + 90.0) * per_degree AS INTEGER), 1
        FROM map_levels
        WHERE new.latitude IS NOT NULL AND new.longitude IS NOT NULL
        ON CONFLICT (level, cx, cy) DO UPDATE SET reports = reports + 1;
END;
CREATE TRIGGER duplicates_cells_ins AFTER INSERT ON report_duplicates BEGIN
    UPDATE map_cells SET reports = reports - 1
        WHERE (level, cx, cy) IN (
            SELECT l.level, CAST((r.longitude + 180.0) * l.per_degree AS INTEGER),
                   CAST((r.latitude + 90.0) * l.per_degree AS INTEGER)
            FROM reports r, map_levels l
            WHERE r.id = new.child_id AND r.latitude IS NOT NULL AND r.longitude IS NOT NULL);
END;
CREATE TRIGGER duplicates_cells_del AFTER DELETE ON report_duplicates BEGIN
    INSERT INTO map_cells (level, cx, cy, reports)
        SELECT l.level, CAST((r.longitude + 180.0) * l.per_degree AS INTEGER),
               CAST((r.latitude + 90.0) * l.per_degree AS INTEGER), 1
        FROM reports r, map_levels l
        WHERE r.id = old.child_id AND r.latitude IS NOT NULL AND r.longitude IS NOT NULL
        ON CONFLICT (level, cx, cy) DO UPDATE SET reports = reports + 1;
END;
