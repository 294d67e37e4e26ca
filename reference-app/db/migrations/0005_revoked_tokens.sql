-- Tokens ended by sign-out before their lifetime; a row outlives its token by nothing:
-- sign-out deletes the rows whose tokens have expired anyway.

CREATE TABLE revoked_tokens (
    jti        text        PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT revoked_tokens_jti_check CHECK (jti ~ '^[A-Za-z0-9_-]{16,64}$')
);

CREATE INDEX revoked_tokens_user_id_idx ON revoked_tokens (user_id);
CREATE INDEX revoked_tokens_expires_at_idx ON revoked_tokens (expires_at);
