-- Overviews of support documents grouped by state list the groups in workflow order
-- (state_rank) and the documents newest or oldest first within each: an index for each
-- direction lets the first page, and the next ones, come from the index instead of sorting
-- a million rows.
-- SQLite flavour; keep identical to ../postgres/0018_document_state_grouping.sql.

CREATE INDEX support_documents_state_group_newest_idx ON support_documents (state_rank, id DESC);
CREATE INDEX support_documents_state_group_oldest_idx ON support_documents (state_rank, id);
