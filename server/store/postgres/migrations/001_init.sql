-- Framewise schema, version 1. Applied once, in one transaction, by migrate.ts.

-- Settings shared by every app server on this database (the page cursors' signing key).
CREATE TABLE settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);
-- 64 hex digits from two random UUIDs (gen_random_uuid draws from a strong random source).
INSERT INTO settings (key, value)
VALUES ('cursor_key', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));

-- One row per document: the whole record as JSON text (json keeps it as written, key order
-- included) and the summary the document list sorts and filters on.
CREATE TABLE documents (
  id           text COLLATE "C" PRIMARY KEY,
  version      integer NOT NULL,
  record       json NOT NULL,
  title        text NOT NULL,
  title_key    text COLLATE "C" NOT NULL,   -- lower-cased title, compared by code point
  outlet       text,
  outlet_key   text COLLATE "C" NOT NULL,   -- lower-cased outlet, '' when none
  published_at text COLLATE "C",            -- YYYY-MM-DD or NULL
  url          text,
  rev          integer NOT NULL,
  label_count  integer NOT NULL,
  review_count integer NOT NULL,
  status       text NOT NULL,
  status_rank  smallint NOT NULL,           -- position in DOCUMENT_STATUSES, for sorting
  speakers     text[] NOT NULL,
  body         text NOT NULL,               -- the latest revision's text, for search snippets
  search       tsvector NOT NULL
);
CREATE INDEX documents_date   ON documents ((coalesce(published_at, '')), id);
CREATE INDEX documents_title  ON documents (title_key, id);
CREATE INDEX documents_outlet ON documents (outlet_key, id);
CREATE INDEX documents_labels ON documents (label_count, id);
CREATE INDEX documents_status ON documents (status_rank, id);
CREATE INDEX documents_url    ON documents (url) WHERE url IS NOT NULL;
CREATE INDEX documents_search ON documents USING gin (search);
CREATE INDEX documents_speakers ON documents USING gin (speakers);

-- The change feed: one row per create, update or delete, written in the change's transaction
-- (a NOTIFY on 'framewise_document_changes' follows at commit).
CREATE TABLE document_changes (
  seq  bigserial PRIMARY KEY,
  id   text COLLATE "C" NOT NULL,
  kind text NOT NULL CHECK (kind IN ('create', 'update', 'delete')),
  at   timestamptz NOT NULL DEFAULT now()
);

-- The other data files of a lowdb data folder (project.json, users.json, speakers.json, ...),
-- byte for byte, as npm run migrate-store copies them. The app servers do not read them yet.
CREATE TABLE data_files (
  name    text PRIMARY KEY,
  content text NOT NULL
);

-- Schema only: these stores are lowdb files today and move here with their call sites.
CREATE TABLE users (
  id            text PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  record        jsonb NOT NULL
);
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  record     jsonb NOT NULL
);
CREATE TABLE api_tokens (
  token_hash text PRIMARY KEY,
  user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  record     jsonb NOT NULL
);
CREATE TABLE label_types (
  id     text PRIMARY KEY,
  record jsonb NOT NULL
);
CREATE TABLE speakers (
  id     text PRIMARY KEY,
  record jsonb NOT NULL
);
CREATE TABLE assignments (
  document_id text COLLATE "C" NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  record      jsonb NOT NULL,
  PRIMARY KEY (document_id, user_id)
);
CREATE TABLE statement_index (
  document_id text COLLATE "C" NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  label_id    text NOT NULL,
  shingles    text[] NOT NULL,
  PRIMARY KEY (document_id, label_id)
);
CREATE INDEX statement_index_shingles ON statement_index USING gin (shingles);
