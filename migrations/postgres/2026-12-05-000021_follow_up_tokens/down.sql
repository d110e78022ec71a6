DROP TABLE follow_up_tokens;
