-- What each staff account chose not to receive, by kind and channel (`email`, `inbox`). Overdue
-- cannot be turned off (Art. 7.3, 15.3); a reporter's messages are the law's and have no
-- choice either.
CREATE TABLE notification_optouts (
    user_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, channel)
);
