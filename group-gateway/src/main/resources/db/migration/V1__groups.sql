CREATE TABLE groups (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       VARCHAR(32) NOT NULL,
    -- lower(name): group names are unique ignoring case, like user names.
    name_key   VARCHAR(32) NOT NULL UNIQUE,
    created_by VARCHAR(32) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    group_id   BIGINT      NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    member     VARCHAR(32) NOT NULL,
    member_key VARCHAR(32) NOT NULL,
    joined_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, member_key)
);

CREATE INDEX memberships_by_member ON memberships (member_key);
