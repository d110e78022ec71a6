ALTER TABLE agencies DROP COLUMN focal_missing_since;
