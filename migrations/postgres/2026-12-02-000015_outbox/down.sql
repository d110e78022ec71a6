DROP TABLE push_devices;
DROP TABLE message_templates;
DROP TABLE notifications;
DROP TABLE outbox_attempts;
DROP TABLE outbox;
