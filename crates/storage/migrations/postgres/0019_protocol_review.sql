-- The review of tasks still open from earlier protocols, as it stood when a revision was
-- issued: an issued or confirmed protocol shows (and prints) what was reviewed and
-- confirmed, not the tasks as they stand today. NULL for revisions issued before it was
-- kept; those show the review worked out afresh.
-- PostgreSQL flavour; keep identical to ../sqlite/0019_protocol_review.sql.

ALTER TABLE protocol_revisions ADD COLUMN review TEXT;
