-- Search, places and duplicates.
--
-- 1. Full text. `report_search` gets a second text, `public_text`, made only of what the public
--    may read (code, title, the content as corrected, the address, the published answer): a
--    public search never matches words only staff can see. Both texts are written by the
--    application, folded (NFC, lower case, no diacritics, đ→d) and cut into words, the same on
--    both databases; PostgreSQL indexes them as `simple` text-search vectors (GIN).
ALTER TABLE report_search ADD COLUMN public_text TEXT NOT NULL DEFAULT '';
ALTER TABLE report_search
    ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, text)) STORED;
ALTER TABLE report_search
    ADD COLUMN public_tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, public_text)) STORED;
CREATE INDEX report_search_tsv ON report_search USING gin (tsv);
CREATE INDEX report_search_public_tsv ON report_search USING gin (public_tsv);

-- 3. Duplicates: a child report follows its parent, linked (and unlinked) by the IOC.
CREATE TABLE report_duplicates (
    child_id TEXT PRIMARY KEY NOT NULL REFERENCES reports (id),
    parent_id TEXT NOT NULL REFERENCES reports (id),
    linked_by TEXT NOT NULL REFERENCES users (id),
    linked_at TIMESTAMP NOT NULL,
    note TEXT
);
CREATE INDEX report_duplicates_parent ON report_duplicates (parent_id);

-- 2. Places: a GiST index over the reports' coordinates as geometric points (no PostGIS needed)
--    for bbox and radius filters.
CREATE INDEX reports_place ON reports USING gist (point(longitude, latitude))
    WHERE latitude IS NOT NULL AND longitude IS NOT NULL;

-- The map of the whole province at a million reports: how many reports lie in each grid cell,
-- at the levels 6, 8, …, 16 (a cell of level L is 360 / 2^(L+2) degrees square, so a map tile of
-- zoom L holds 4 × 4 of them), kept by a trigger with every report placed, moved, merged into
-- another (a child counts once, as its parent) or unmerged. `cx`, `cy` are the cell's column and
-- row from (-180, -90).
CREATE TABLE map_cells (
    level INTEGER NOT NULL,
    cx INTEGER NOT NULL,
    cy INTEGER NOT NULL,
    reports BIGINT NOT NULL,
    PRIMARY KEY (level, cx, cy)
);
CREATE TABLE map_levels (level INTEGER PRIMARY KEY NOT NULL, per_degree DOUBLE PRECISION NOT NULL);
INSERT INTO map_levels (level, per_degree) VALUES
    (6, 256.0::float8 / 360.0::float8), (8, 1024.0::float8 / 360.0::float8),
    (10, 4096.0::float8 / 360.0::float8), (12, 16384.0::float8 / 360.0::float8),
    (14, 65536.0::float8 / 360.0::float8), (16, 262144.0::float8 / 360.0::float8);
-- (No report is a child yet.)
INSERT INTO map_cells (level, cx, cy, reports)
    SELECT l.level,
           floor((r.longitude + 180.0::float8) * l.per_degree)::int,
           floor((r.latitude + 90.0::float8) * l.per_degree)::int,
           COUNT(*)
    FROM reports r, map_levels l
    WHERE r.latitude IS NOT NULL AND r.longitude IS NOT NULL
    GROUP BY 1, 2, 3;

-- Adds `delta` to the cells of a place.
CREATE FUNCTION map_cells_add(lat float8, lng float8, delta int) RETURNS void LANGUAGE sql AS $$
    INSERT INTO map_cells (level, cx, cy, reports)
        SELECT l.level, floor((lng + 180.0::float8) * l.per_degree)::int,
               floor((lat + 90.0::float8) * l.per_degree)::int, delta
        FROM map_levels l
        WHERE lat IS NOT NULL AND lng IS NOT NULL
        ON CONFLICT (level, cx, cy) DO UPDATE SET reports = map_cells.reports + delta;
$$;
CREATE FUNCTION map_cells_follow_report() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM report_duplicates WHERE child_id = NEW.id) THEN
        IF TG_OP = 'UPDATE' THEN
            PERFORM map_cells_add(OLD.latitude, OLD.longitude, -1);
        END IF;
        PERFORM map_cells_add(NEW.latitude, NEW.longitude, 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE FUNCTION map_cells_follow_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM map_cells_add(r.latitude, r.longitude, -1) FROM reports r WHERE r.id = NEW.child_id;
    ELSE
        PERFORM map_cells_add(r.latitude, r.longitude, 1) FROM reports r WHERE r.id = OLD.child_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER reports_cells_ins AFTER INSERT ON reports
    FOR EACH ROW EXECUTE FUNCTION map_cells_follow_report();
CREATE TRIGGER reports_cells_upd AFTER UPDATE OF latitude, longitude ON reports
    FOR EACH ROW EXECUTE FUNCTION map_cells_follow_report();
CREATE TRIGGER duplicates_cells AFTER INSERT OR DELETE ON report_duplicates
    FOR EACH ROW EXECUTE FUNCTION map_cells_follow_link();
