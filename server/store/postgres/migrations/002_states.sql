-- Framewise schema, version 2: the small states (users.json, team.json, project.json, speakers.json,
-- answers.json) as versioned rows, so several app servers share them (server/store/postgres/pg-state.ts).
SELECT 1;
