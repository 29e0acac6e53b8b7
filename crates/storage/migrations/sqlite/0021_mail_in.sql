-- E-mail in. Outgoing mail remembers what it was about (threading, reply tokens), and every
-- incoming message is recorded once by its Message-ID with what became of it: a comment, a
-- new document, an answer, held for staff or ignored (automatic mail). The message as
-- received is kept for staff.
-- SQLite flavour; keep identical to ../postgres/0021_mail_in.sql.

ALTER TABLE outbox ADD COLUMN record_agenda TEXT;
ALTER TABLE outbox ADD COLUMN record_id BLOB;
ALTER TABLE outbox ADD COLUMN reply_token TEXT;
ALTER TABLE outbox ADD COLUMN reply_to TEXT;
ALTER TABLE outbox ADD COLUMN auto_reply INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_reply_token_idx ON outbox (reply_token);
CREATE INDEX outbox_record_idx ON outbox (record_id, recipient_email);

CREATE TABLE mail_in (
    id              BLOB PRIMARY KEY NOT NULL,
    message_id      TEXT NOT NULL UNIQUE,
    received_at     TEXT NOT NULL,
    sender          TEXT NOT NULL,
    sender_name     TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    original        TEXT NOT NULL,
    raw             BLOB NOT NULL,
    outcome         TEXT NOT NULL,
    reason          TEXT NOT NULL,
    organisation_id BLOB REFERENCES organisations (id),
    record_agenda   TEXT,
    record_id       BLOB,
    comment_id      BLOB,
    decided_by      BLOB REFERENCES users (id),
    decided_at      TEXT
) STRICT;
CREATE INDEX mail_in_outcome_idx ON mail_in (outcome, id);
CREATE INDEX mail_in_comment_idx ON mail_in (comment_id);
CREATE INDEX mail_in_record_idx ON mail_in (record_id);

-- Incoming mail finds its sender by address.
CREATE INDEX users_email_idx ON users (lower(email));
