-- scimkit-sqlite schema, version 2: tenants and their bearer tokens (stored as SHA-256
-- digests only, never the token).
CREATE TABLE tenants (
    id                    TEXT    PRIMARY KEY,
    name                  TEXT    NOT NULL,
    -- The "SCIM sync active" switch.
    enabled               INTEGER NOT NULL,
    -- The compatibility preset: strict, entra, entra-legacy, okta, lenient.
    preset                TEXT    NOT NULL,
    -- How PATCH answers: resource (200) or no-content (204).
    patch_response        TEXT    NOT NULL,
    -- JSON array of lower-case domains; empty means any.
    allowed_email_domains TEXT    NOT NULL,
    -- Lower-case hex SHA-256 of the bearer token; NULL: no token (cannot authenticate).
    token_hash            TEXT    UNIQUE,
    created               TEXT    NOT NULL,
    last_modified         TEXT    NOT NULL
) WITHOUT ROWID;
