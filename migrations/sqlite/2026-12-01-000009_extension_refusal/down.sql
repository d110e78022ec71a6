ALTER TABLE extensions DROP COLUMN refusal_reason;
ALTER TABLE extensions DROP COLUMN refused_at;
ALTER TABLE extensions DROP COLUMN refused_by;
