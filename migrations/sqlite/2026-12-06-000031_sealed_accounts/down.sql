DROP INDEX users_email_index;
DROP INDEX users_phone_index;
ALTER TABLE users DROP COLUMN email_index;
ALTER TABLE users DROP COLUMN phone_index;
