-- Framewise schema, version 4: a document's version as bigint, like the change feed's numbers.
-- A document created or restored takes its change's sequence number as its version (newLife in
-- pg-document-repository.ts), and that sequence is a bigserial: with an integer column, the
-- 2,147,483,648th change in a database's life made every create fail ("integer out of range").
-- The rewrite takes an exclusive lock on the table for its duration (a few seconds per million
-- documents).
ALTER TABLE documents ALTER COLUMN version TYPE bigint;
