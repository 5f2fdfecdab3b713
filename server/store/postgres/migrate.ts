import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

/** Where the ordered SQL files live: `NNN_name.sql`, applied in the order of NNN. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Any number: the advisory lock every Framewise process takes while it migrates. */
const MIGRATION_LOCK = 7_301_017;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The database was migrated by a newer Framewise than this one; it must not touch it. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      `the database schema is at version ${databaseVersion}, newer than this Framewise knows (version ${codeVersion}); ` +
        'run the Framewise release that migrated it (or a newer one), or restore a backup taken before that upgrade',
    );
  }
}

/** The database's schema is older than this code's: a server migrates it at start; a reader must not. */
export class SchemaTooOldError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      databaseVersion === 0
        ? `the database has no Framewise schema (this Framewise needs version ${codeVersion}); start a Framewise server on it first (it sets the schema up), or check DATABASE_URL`
        : `the database schema is at version ${databaseVersion}, older than this Framewise needs (version ${codeVersion}); start a Framewise server of this release first (it migrates the schema at start)`,
    );
  }
}

/**
 * For a process that only reads: the database's schema must be exactly this code's, and nothing
 * is changed. Throws SchemaTooOldError or SchemaTooNewError naming both versions.
 */
export async function checkSchema(pool: pg.Pool, migrations: Migration[] = readMigrations()): Promise<void> {
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  const found = await schemaVersion(pool);
  if (found > latest) throw new SchemaTooNewError(found, latest);
  if (found < latest) throw new SchemaTooOldError(found, latest);
}

/** The migration files in `dir`, in order; a file name out of the `NNN_name.sql` pattern or a repeated number throws. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const m = /^(\d{3,})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!m) throw new Error(`migration file ${file} is not named NNN_name.sql`);
      return { version: Number(m[1]), name: m[2], sql: readFileSync(join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.version}_${m.name} is out of sequence (expected version ${i + 1})`);
  });
  return migrations;
}

export interface MigrateResult {
  /** Schema version before and after. */
  from: number;
  to: number;
  /** Versions applied by this call (none when another process had already done it). */
  applied: number[];
}

/**
 * Brings the database's schema up to the newest migration. Each migration runs in its own
 * transaction together with its `schema_migrations` row, so a failure leaves the previous version
 * whole. A session advisory lock makes servers that start at once take turns: the second finds
 * the work done. A database already past the code's newest version throws SchemaTooNewError.
 */
export async function migrate(pool: pg.Pool, migrations: Migration[] = readMigrations()): Promise<MigrateResult> {
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const from = await schemaVersion(client);
      if (from > latest) throw new SchemaTooNewError(from, latest);
      const applied: number[] = [];
      for (const m of migrations) {
        if (m.version <= from) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${m.version}_${m.name}.sql failed and was rolled back: ${(err as Error).message}`, { cause: err });
        }
        applied.push(m.version);
      }
      return { from, to: Math.max(from, latest), applied };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch((err: Error) => {
        broken = err;
      });
    }
  } finally {
    client.release(broken);
  }
}

/** The highest version recorded in schema_migrations, 0 when none (or no table yet). */
export async function schemaVersion(client: pg.Pool | pg.PoolClient): Promise<number> {
  const table = await client.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  if (table.rows[0].t === null) return 0;
  const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  return Number(rows[0].v ?? 0);
}
