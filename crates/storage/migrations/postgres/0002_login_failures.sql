-- Failed sign-ins, for throttling per login name and per client address across instances.
-- PostgreSQL flavour; keep identical to ../sqlite/0002_login_failures.sql.

CREATE TABLE login_failures (
    id        UUID PRIMARY KEY NOT NULL,
    login     TEXT NOT NULL,
    address   TEXT NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_login_idx ON login_failures (login, failed_at);
CREATE INDEX login_failures_address_idx ON login_failures (address, failed_at);
