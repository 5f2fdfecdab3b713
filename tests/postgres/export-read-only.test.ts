import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { startCluster, type TestCluster } from '../helpers/postgres-cluster.js';
import { tempDataDir } from '../helpers/app.js';
import { openPostgresReader, openPostgresStore } from '../../server/store/postgres/index.js';
import { readMigrations } from '../../server/store/postgres/migrate.js';
import { labelOn, pgDoc } from '../store/pg-helpers.js';

// `npm run export` with DATABASE_URL only reads: it exports from a read-only database, and a
// database whose schema is older or newer than the code is refused with a message saying so,
// left exactly as it was (no migration).

const TSX = resolve('node_modules', '.bin', 'tsx');
const CODE_VERSION = readMigrations().at(-1)!.version;

let cluster: TestCluster;
let dataDir: string;
let dbCount = 0;

beforeAll(async () => {
  cluster = await startCluster();
  dataDir = await tempDataDir(); // never used: DATABASE_URL is set
}, 120_000);
afterAll(async () => {
  cluster?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function exportJsonl(url: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: url };
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, ['server/cli/export.ts', '--format', 'jsonl'], { env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function query<R extends pg.QueryResultRow>(url: string, text: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text)).rows;
  } finally {
    await c.end();
  }
}

/** The tables of the database and their row counts, to show nothing changed. */
async function contents(url: string): Promise<Record<string, number>> {
  const tables = await query<{ t: string }>(url, "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  const out: Record<string, number> = {};
  for (const { t } of tables) out[t] = (await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM "${t}"`))[0].n;
  return out;
}

describe('npm run export on PostgreSQL only reads', () => {
  test('when the database is read-only (default_transaction_read_only), then the export still writes every document', async () => {
    const name = `export_ro_${++dbCount}`;
    const url = cluster.createDatabase(name);
    const store = await openPostgresStore(url, { log: () => {} });
    const doc = pgDoc('doc-1', 'Ann said yes.');
    doc.labels.push({ ...labelOn(doc, 'label-1', 3), speaker: 'Ann' });
    await store.documents.create(doc);
    await store.close();
    await query(cluster.url, `ALTER DATABASE ${name} SET default_transaction_read_only = on`);
    const before = await contents(url);

    const run = await exportJsonl(url);
    expect(run.stderr).toContain('exported 1 documents, 1 labels');
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(['doc-1']);
    expect(await contents(url)).toEqual(before);
  });

  test('when the database has no Framewise schema yet, then the export refuses saying so and creates nothing', async () => {
    const url = cluster.createDatabase(`export_empty_${++dbCount}`);
    const run = await exportJsonl(url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`export failed: the database has no Framewise schema (this Framewise needs version ${CODE_VERSION})`);
    expect(run.stdout).toBe('');
    expect(await contents(url)).toEqual({});
  });

  test('when the schema is older than the code, then the export refuses naming both versions and migrates nothing', async () => {
    const url = cluster.createDatabase(`export_old_${++dbCount}`);
    const store = await openPostgresStore(url, { log: () => {} });
    await store.close();
    await query(url, `DELETE FROM schema_migrations WHERE version = ${CODE_VERSION}`);
    const before = await contents(url);
    const run = await exportJsonl(url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the database schema is at version ${CODE_VERSION - 1}, older than this Framewise needs (version ${CODE_VERSION})`);
    expect(await contents(url)).toEqual(before);
  });

  test('when the schema is newer than the code, then the export refuses naming both versions', async () => {
    const url = cluster.createDatabase(`export_new_${++dbCount}`);
    const store = await openPostgresStore(url, { log: () => {} });
    await store.close();
    await query(url, `INSERT INTO schema_migrations (version, name) VALUES (${CODE_VERSION + 1}, 'from_the_future')`);
    const run = await exportJsonl(url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the database schema is at version ${CODE_VERSION + 1}, newer than this Framewise knows (version ${CODE_VERSION})`);
  });
});

describe("the export's connections are read-only on a writable database", () => {
  test.each([
    ['a plain DATABASE_URL', ''],
    ['a DATABASE_URL whose ?options= turns read-only off', '?options=-c%20default_transaction_read_only%3Doff'],
  ])('when the reader is opened with %s, then a write through its pool (alone or in a transaction) is refused and nothing is written', async (_what, suffix) => {
    const url = cluster.createDatabase(`export_rw_${++dbCount}`);
    const store = await openPostgresStore(url, { log: () => {} });
    await store.close();
    const before = await contents(url);
    const reader = await openPostgresReader(url + suffix, { log: () => {} });
    try {
      const insert = "INSERT INTO settings (key, value) VALUES ('written-by-export', 'x')";
      await expect(reader.pool.query(insert)).rejects.toMatchObject({ code: '25006', message: 'cannot execute INSERT in a read-only transaction' });
      const client = await reader.pool.connect();
      try {
        await client.query('BEGIN');
        await expect(client.query(insert)).rejects.toMatchObject({ code: '25006' });
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
      expect((await reader.pool.query("SELECT current_setting('transaction_read_only') AS ro")).rows[0].ro).toBe('on');
    } finally {
      await reader.close();
    }
    expect(await contents(url)).toEqual(before);
  });
});
