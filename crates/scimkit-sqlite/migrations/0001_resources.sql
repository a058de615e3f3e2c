-- scimkit-sqlite schema, version 1: resources, group members as rows, unique values.
-- Every table is keyed by tenant first: nothing of one tenant is reachable from another's keys.

-- One row per SCIM resource. `body` is the stored resource (canonical JSON, `id` and `meta`
-- included) except the values of the membership attribute (Group `members`), which live in
-- `members`; where they belong, `body` holds an empty-array placeholder.
CREATE TABLE resources (
    -- Creation order (AUTOINCREMENT: never reused, so later rows always sort after earlier ones).
    pk               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant           TEXT    NOT NULL,
    resource_type    TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    -- Bumped by every write; `meta.version` is W/"<version>".
    version          INTEGER NOT NULL,
    created          TEXT    NOT NULL,
    last_modified    TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    -- 1 when the body has the shape filter push-down relies on (see `regular.rs`).
    regular          INTEGER NOT NULL,
    -- Lookup keys: the attribute's string value, lower-cased unless it is caseExact.
    external_id_key  TEXT,
    user_name_key    TEXT,
    display_name_key TEXT,
    UNIQUE (tenant, resource_type, id)
);

-- The rowid is appended to every index: scans come out in creation order.
CREATE INDEX resources_scan ON resources (tenant, resource_type);
CREATE INDEX resources_external_id ON resources (tenant, resource_type, external_id_key)
    WHERE external_id_key IS NOT NULL;
CREATE INDEX resources_user_name ON resources (tenant, resource_type, user_name_key)
    WHERE user_name_key IS NOT NULL;
CREATE INDEX resources_display_name ON resources (tenant, resource_type, display_name_key)
    WHERE display_name_key IS NOT NULL;
CREATE INDEX resources_irregular ON resources (tenant, resource_type) WHERE regular = 0;

-- The values of the membership attribute, one row each, in order.
CREATE TABLE members (
    resource_pk INTEGER NOT NULL REFERENCES resources (pk) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    -- The `value` sub-attribute, lower-cased unless caseExact; NULL when not a string.
    value_key   TEXT,
    -- The whole value as JSON text, exactly as stored.
    item        TEXT    NOT NULL,
    PRIMARY KEY (resource_pk, seq)
) WITHOUT ROWID;

CREATE INDEX members_value ON members (resource_pk, value_key);

-- Values of attributes with `uniqueness` server or global, per tenant and resource type.
CREATE TABLE unique_values (
    tenant        TEXT    NOT NULL,
    resource_type TEXT    NOT NULL,
    attribute     TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    resource_pk   INTEGER NOT NULL REFERENCES resources (pk) ON DELETE CASCADE,
    PRIMARY KEY (tenant, resource_type, attribute, key)
) WITHOUT ROWID;

CREATE INDEX unique_values_resource ON unique_values (resource_pk);

-- Store-wide settings, e.g. the fingerprint of the schema facts the derived columns follow.
CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
