-- Art. 8.3: the IOC confirms an extension or refuses it, with its reason. A refused request is
-- the report's one extension, asked and refused: the deadline stays as it was.
ALTER TABLE extensions ADD COLUMN refused_by TEXT;
ALTER TABLE extensions ADD COLUMN refused_at TIMESTAMP;
ALTER TABLE extensions ADD COLUMN refusal_reason TEXT;
