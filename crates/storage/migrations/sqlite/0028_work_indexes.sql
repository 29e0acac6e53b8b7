-- The start page's "my work" reads the open documents of one assignee (or of none) in the
-- order of their deadlines: this index gives them without reading the assignee's closed
-- ones. SQLite flavour; keep identical to ../postgres/0028_work_indexes.sql.

CREATE INDEX support_documents_assignee_state_idx ON support_documents (assignee_id, state, due_sort, id);
