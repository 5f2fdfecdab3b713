-- Framewise schema, version 2: the small states (users.json, team.json, project.json, speakers.json,
-- answers.json) as versioned rows, so several app servers share them (server/store/postgres/pg-state.ts).

-- One row per state in data_files (the rows npm run migrate-store already copies: same names, same
-- content bytes as the lowdb file). Every change is a row-locked read-modify-write that adds 1 to
-- `version`; a server compares the versions it holds with these to re-read only what another changed.
ALTER TABLE data_files ADD COLUMN version bigint NOT NULL DEFAULT 1;

-- The schema-only tables of version 1 were never read nor written: users, sessions, tokens,
-- assignments, label types and speakers live in data_files rows instead.
DROP TABLE assignments;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE label_types;
DROP TABLE speakers;
