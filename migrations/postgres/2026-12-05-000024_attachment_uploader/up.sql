-- An attachment sent by a reporter without an account (an Open311 app's picture, a file of an
-- e-mail reply) has no account behind it: its uploader is then empty.
ALTER TABLE attachments ALTER COLUMN uploaded_by DROP NOT NULL;
