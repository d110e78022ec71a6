ALTER TABLE agencies DROP COLUMN valid_to;
DROP TABLE admin_unit_successions;
