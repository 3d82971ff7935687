-- What each user chose on their pages; a missing row means every default.
CREATE TABLE user_preferences (
    user_id         BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    open_when_ready BOOLEAN NOT NULL DEFAULT TRUE
);
