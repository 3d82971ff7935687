-- Sign-ins to servers' own origins (the berth_origin cookie), kept so that a browser stays let in
-- to its server across a restart of Berth. Only the cookie's SHA-256 is stored.
CREATE TABLE origin_sessions (
    cookie_hash VARCHAR(64)  PRIMARY KEY,
    username    VARCHAR(64)  NOT NULL,
    server_id   VARCHAR(40)  NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX origin_sessions_username ON origin_sessions (username);
