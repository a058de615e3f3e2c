-- scimkit-sqlite schema, version 3: a token identifies at most one tenant, ever.
-- A running server keeps a token it authenticated for up to TOKEN_CACHE_TTL (1 s). Were a
-- replaced token given to another tenant within that time, a request carrying it could still
-- act as the former tenant. So replaced tokens are kept (as digests, like current ones) and
-- are never given to another tenant; the same tenant may take one back.
CREATE TABLE retired_tokens (
    token_hash TEXT PRIMARY KEY,
    tenant     TEXT NOT NULL,
    retired    TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER tenants_token_retired AFTER UPDATE OF token_hash ON tenants
WHEN OLD.token_hash IS NOT NULL AND OLD.token_hash IS NOT NEW.token_hash
BEGIN
    INSERT OR REPLACE INTO retired_tokens (token_hash, tenant, retired)
    VALUES (OLD.token_hash, OLD.id, NEW.last_modified);
END;

CREATE TRIGGER tenants_token_kept_on_update BEFORE UPDATE OF token_hash ON tenants
WHEN NEW.token_hash IS NOT NULL AND EXISTS (
    SELECT 1 FROM retired_tokens WHERE token_hash = NEW.token_hash AND tenant <> NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'token retired by another tenant');
END;

CREATE TRIGGER tenants_token_kept_on_insert BEFORE INSERT ON tenants
WHEN NEW.token_hash IS NOT NULL AND EXISTS (
    SELECT 1 FROM retired_tokens WHERE token_hash = NEW.token_hash AND tenant <> NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'token retired by another tenant');
END;
