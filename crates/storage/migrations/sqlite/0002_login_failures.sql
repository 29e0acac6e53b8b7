-- Failed sign-ins, for throttling per login name and per client address across instances.
-- SQLite flavour; keep identical to ../postgres/0002_login_failures.sql.

CREATE TABLE login_failures (
    id        BLOB PRIMARY KEY NOT NULL,
    login     TEXT NOT NULL,
    address   TEXT NOT NULL,
    failed_at TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_login_idx ON login_failures (login, failed_at);
CREATE INDEX login_failures_address_idx ON login_failures (address, failed_at);
