import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, startCluster, type TestCluster } from '../helpers/postgres-cluster.js';
import { killHard, spawnPgServer, type ServerProcess } from './servers.js';

// What `npm start` does with DATABASE_URL set and the database unusable: the real server process
// refuses with "Framewise cannot start: …" naming the problem, exits 1, and writes nothing.
// (tests/store/pg-repository.test.ts checks the same errors at the library level.)

let cluster: TestCluster;
let dbCount = 0;
let dataDir: string;
const running: ServerProcess[] = [];

beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(() => cluster?.stop());
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'framewise-pg-start-'));
});
afterEach(async () => {
  for (const s of running.splice(0)) await killHard(s);
  await rm(dataDir, { recursive: true, force: true });
});

async function sql(url: string, text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** Runs the server to its end; answers its exit code and output. */
async function refused(url: string): Promise<{ code: number | string; output: string }> {
  const server = spawnPgServer(url, dataDir);
  running.push(server);
  const code = await server.exited;
  return { code, output: server.output() };
}

describe('npm start with a DATABASE_URL that cannot be used', () => {
  it('when it is not a PostgreSQL URL, then the start is refused saying how to write one, exit 1', async () => {
    const { code, output } = await refused('mysql://framewise@db.example/framewise');
    expect(code).toBe(1);
    expect(output).toContain('Framewise cannot start: DATABASE_URL must start with postgres:// or postgresql://, not mysql://; write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE');
    expect(await readdir(dataDir)).toEqual([]);
  }, 60_000);

  it('when nothing listens at its host and port, then the start is refused naming the address but not the password, exit 1', async () => {
    const port = await freePort();
    const { code, output } = await refused(`postgres://framewise:very-secret-pw@127.0.0.1:${port}/framewise`);
    expect(code).toBe(1);
    expect(output).toContain(`Framewise cannot start: cannot reach PostgreSQL at framewise@127.0.0.1:${port}/framewise: connection refused`);
    expect(output).not.toContain('very-secret-pw');
    expect(await readdir(dataDir)).toEqual([]);
  }, 60_000);

  it('when its database does not exist, then the start is refused naming it, exit 1', async () => {
    const { code, output } = await refused(`postgres://postgres@127.0.0.1:${cluster.port}/no_such_db`);
    expect(code).toBe(1);
    expect(output).toContain(`Framewise cannot start: PostgreSQL at postgres@127.0.0.1:${cluster.port}/no_such_db has no such database`);
  }, 60_000);

  it('when the database is read-only, then the start is refused saying so, exit 1, and nothing is created in it', async () => {
    const url = cluster.createDatabase(`start_${++dbCount}`);
    await sql(url, `ALTER DATABASE start_${dbCount} SET default_transaction_read_only = on`);
    const { code, output } = await refused(url);
    expect(code).toBe(1);
    expect(output).toContain(`Framewise cannot start: the database postgres@127.0.0.1:${cluster.port}/start_${dbCount} is read-only (default_transaction_read_only is on); Framewise needs to write to it`);
    expect((await sql(url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0].n).toBe(0);
    expect(await readdir(dataDir)).toEqual([]);
  }, 60_000);

  it('when the database schema is newer than the code, then the start is refused naming both versions, exit 1, and the database is left as it was', async () => {
    const url = cluster.createDatabase(`start_${++dbCount}`);
    // A first server sets the database up; then a "newer release" adds migration 999.
    const first = spawnPgServer(url, dataDir);
    running.push(first);
    await new Promise<void>((done, fail) => {
      const timer = setInterval(() => {
        if (/Framewise on http/.test(first.output())) {
          clearInterval(timer);
          done();
        }
      }, 100);
      void first.exited.then(() => {
        clearInterval(timer);
        fail(new Error(`first server exited:\n${first.output()}`));
      });
    });
    first.child.kill('SIGTERM');
    await first.exited;
    const known = (await sql(url, 'SELECT max(version)::int AS v FROM schema_migrations')).rows[0].v as number;
    await sql(url, "INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')");
    const before = (await sql(url, 'SELECT version, name FROM schema_migrations ORDER BY version')).rows;
    const documents = (await sql(url, 'SELECT id, version FROM documents ORDER BY id')).rows;

    const { code, output } = await refused(url);
    expect(code).toBe(1);
    expect(output).toContain(`Framewise cannot start: the database schema is at version 999, newer than this Framewise knows (version ${known})`);
    expect((await sql(url, 'SELECT version, name FROM schema_migrations ORDER BY version')).rows).toEqual(before);
    expect((await sql(url, 'SELECT id, version FROM documents ORDER BY id')).rows).toEqual(documents);
  }, 120_000);
});
