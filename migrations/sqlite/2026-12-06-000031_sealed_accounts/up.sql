-- Accounts' e-mail addresses and phone numbers (and citizens' names) are sealed at rest like
-- reporters' identities; signing in and the uniqueness of the login keys go through blind
-- indexes (HMAC) of the normalised values.
ALTER TABLE users ADD COLUMN phone_index TEXT;
ALTER TABLE users ADD COLUMN email_index TEXT;
CREATE UNIQUE INDEX users_phone_index ON users (phone_index);
CREATE UNIQUE INDEX users_email_index ON users (email_index);
