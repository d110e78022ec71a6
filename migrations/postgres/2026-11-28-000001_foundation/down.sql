ALTER TABLE agencies DROP CONSTRAINT agencies_focal_leader;
ALTER TABLE agencies DROP CONSTRAINT agencies_focal_staff;
DROP TABLE seed_runs;
DROP TABLE categories;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE agencies;
DROP TABLE admin_units;
