-- Art. 15.1: an agency that lacks a focal leader or focal staff member must name one within 7
-- working days. Since when it lacks one is recorded; agencies without both start counting now.
ALTER TABLE agencies ADD COLUMN focal_missing_since TIMESTAMP;
UPDATE agencies SET focal_missing_since = created_at
    WHERE focal_leader_id IS NULL OR focal_staff_id IS NULL;
