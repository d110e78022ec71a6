-- The administrative reform of 1/7/2025 (Resolution 1668/NQ-UBTVQH15) and any later one: which
-- units a former unit became. A former unit is known by its code AND the last day it was in
-- force, since codes are reused for different units (56 of the 103 codes of 2025 named another
-- unit before): never join a former unit on its code alone.
CREATE TABLE admin_unit_successions (
    old_code TEXT NOT NULL,
    old_valid_to DATE NOT NULL,
    new_code TEXT NOT NULL REFERENCES admin_units (code),
    partial BOOLEAN NOT NULL,
    PRIMARY KEY (old_code, old_valid_to, new_code)
);
CREATE INDEX admin_unit_successions_new ON admin_unit_successions (new_code);

-- An agency that ceased to exist (the district People's Committees on 30/6/2025) keeps its
-- reports; nothing new is dispatched to it.
ALTER TABLE agencies ADD COLUMN valid_to DATE;
