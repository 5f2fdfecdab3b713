-- Framewise schema, version 3: the trash and the statement index snapshot in the database.
SELECT 1;
