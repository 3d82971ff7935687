-- Issue #12: API tokens get an expiry, a scope and the token that minted them (revoking a token
-- revokes what it minted); accounts made by sign-up may wait for an admin's approval.
-- Runs unchanged on PostgreSQL and on H2 in PostgreSQL mode.

ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE api_tokens ADD COLUMN scope VARCHAR(20) NOT NULL DEFAULT 'full';
ALTER TABLE api_tokens ADD COLUMN parent_id BIGINT REFERENCES api_tokens (id) ON DELETE CASCADE;
CREATE INDEX api_tokens_parent ON api_tokens (parent_id);

-- Tokens made before expiry existed last 90 days from this upgrade, like new ones by default.
UPDATE api_tokens SET expires_at = CURRENT_TIMESTAMP + INTERVAL '90' DAY
 WHERE expires_at IS NULL AND revoked_at IS NULL;

ALTER TABLE users ADD COLUMN approved BOOLEAN NOT NULL DEFAULT TRUE;
