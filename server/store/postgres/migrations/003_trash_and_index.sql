-- Framewise schema, version 3: the trash and the statement index snapshot in the database.

-- Deleted documents, kept TRASH_DAYS (server/store/trash.ts) before they are deleted for good: the
-- whole record as it was in `documents` (json keeps it as written), with who deleted it and when.
-- moveToTrash deletes the document row and inserts this row in one transaction; restoreFromTrash
-- does the reverse.
CREATE TABLE trash (
  id         text COLLATE "C" PRIMARY KEY,
  record     json NOT NULL,
  title      text NOT NULL,
  deleted_at timestamptz NOT NULL,
  deleted_by text NOT NULL
);
CREATE INDEX trash_deleted_at ON trash (deleted_at);

-- The statement index of /compare between runs (server/store/index-files.ts): one row, the JSON as
-- written, validated when read (a damaged snapshot is reported and ignored, never trusted).
CREATE TABLE statement_index_snapshot (
  only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  content    text NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
);

-- The schema-only table of version 1 was never read nor written: the snapshot above replaces it.
DROP TABLE statement_index;
