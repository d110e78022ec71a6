DROP INDEX report_reporters_phone;
DROP TABLE calls;
DROP TABLE mail_messages;
