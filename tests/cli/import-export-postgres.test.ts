import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, startCluster, type TestCluster } from '../helpers/postgres-cluster.js';
import { snapshotDir, tempDataDir } from '../helpers/app.js';
import { openPostgresStore } from '../../server/store/postgres/index.js';
import { createDocument } from '../../server/domain/documents.js';

// `npm run import` and `npm run export` with DATABASE_URL set: the same CLI against a real
// PostgreSQL (a throwaway cluster), compared byte for byte with the same runs on a data folder.

const TSX = resolve('node_modules', '.bin', 'tsx');
const SEEDS = resolve('tests', 'golden', 'seeds.jsonl');

let cluster: TestCluster;
let dbCount = 0;
const freshDatabase = () => cluster.createDatabase(`cli_${++dbCount}`);

beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(() => cluster?.stop());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** When the run started and ended (ms), to recognise the times it wrote. */
  t0: number;
  t1: number;
}

/** Runs the CLI with DATA_DIR and, when given, DATABASE_URL (an empty DATABASE_URL means the data folder). */
async function run(script: 'import' | 'export', args: string[], env: { dataDir: string; databaseUrl?: string }): Promise<Run> {
  const t0 = Date.now();
  const childEnv = { ...process.env, DATA_DIR: env.dataDir, DATABASE_URL: env.databaseUrl ?? '', USER: 'tester' };
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [`server/cli/${script}.ts`, ...args], { env: childEnv, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr, t0, t1: Date.now() };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, t0, t1: Date.now() };
  }
}

/**
 * The export with what differs between two imports of the same file written the same way: the
 * import's own time (revisions and events are recorded as made at the time of the import) as
 * <import time>, every other time staying as in the file; and the speakers' random ids numbered in
 * order of first appearance (sp-1, sp-2…), so labels crediting one speaker still share one id.
 */
function comparable(jsonl: string, importRun: Run): string {
  const speakers = new Map<string, string>();
  return jsonl
    .replace(/"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"/g, (whole, iso: string) => {
      const t = Date.parse(iso);
      return t >= importRun.t0 - 1 && t <= importRun.t1 + 1 ? '"<import time>"' : whole;
    })
    .replace(/"speakerId":"(sp-[0-9a-f-]{36})"/g, (_whole, id: string) => {
      if (!speakers.has(id)) speakers.set(id, `sp-${speakers.size + 1}`);
      return `"speakerId":"${speakers.get(id)}"`;
    });
}

const latestText = (doc: { revisions: { text: string }[] } | null) => doc?.revisions[doc.revisions.length - 1].text;

async function count(url: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>(sql)).rows[0].n);
  } finally {
    await client.end();
  }
}

const databasesOf = async () => {
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  try {
    return (await client.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY datname')).rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
};

describe('npm run import / export with DATABASE_URL', () => {
  let work: string;
  let dataDir: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'framewise-cli-pg-'));
    dataDir = await tempDataDir();
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  test('when a JSONL file is imported into PostgreSQL and exported back, then the export is byte for byte that of the same import and export on a data folder, and the data folder is not used', async () => {
    const folderImport = await run('import', [SEEDS, '--annotator', 'tester'], { dataDir });
    expect(folderImport.code).toBe(0);
    const folderOut = join(work, 'folder.jsonl');
    expect((await run('export', ['--format', 'jsonl', '--out', folderOut], { dataDir })).code).toBe(0);

    const url = freshDatabase();
    const unusedDir = join(work, 'unused-data');
    const pgImport = await run('import', [SEEDS, '--annotator', 'tester'], { dataDir: unusedDir, databaseUrl: url });
    expect(pgImport.code).toBe(0);
    expect(pgImport.stderr).toContain(`importing 1 file(s) as jsonl into PostgreSQL postgres@127.0.0.1:${cluster.port}/cli_${dbCount}\n`);
    expect(pgImport.stdout).toBe(folderImport.stdout);
    expect(pgImport.stdout.split('\n')[0]).toBe('imported: 6 new documents, 0 revised, 0 unchanged, 9 labels (0 already there)');
    expect(await count(url, 'SELECT count(*) AS n FROM documents')).toBe(6);

    const pgOut = join(work, 'pg.jsonl');
    const pgExport = await run('export', ['--format', 'jsonl', '--out', pgOut], { dataDir: unusedDir, databaseUrl: url });
    expect([pgExport.code, pgExport.stderr]).toEqual([0, `exported 6 documents, 9 labels to ${pgOut}\n`]);
    const fromFolder = comparable(await readFile(folderOut, 'utf8'), folderImport);
    const fromPg = comparable(await readFile(pgOut, 'utf8'), pgImport);
    expect(fromFolder).toContain('"<import time>"');
    expect(fromFolder).toContain('"speakerId":"sp-3"');
    expect(fromPg.split('\n').length).toBe(7);
    expect(fromPg).toBe(fromFolder);
    // DATA_DIR was never created: with DATABASE_URL everything is in the database.
    await expect(readdir(unusedDir)).rejects.toMatchObject({ code: 'ENOENT' });

    // Imported again, the plan reads what PostgreSQL holds: nothing is added twice, as on the folder.
    const again = await run('import', [SEEDS, '--annotator', 'tester'], { dataDir: unusedDir, databaseUrl: url });
    const folderAgain = await run('import', [SEEDS, '--annotator', 'tester'], { dataDir });
    expect([again.code, folderAgain.code]).toEqual([0, 0]);
    expect(again.stdout.split('\n')[0]).toMatch(/^imported: 0 new documents, 0 revised, 6 unchanged, 0 labels \(\d+ already there\)$/);
    expect(again.stdout).toBe(folderAgain.stdout);
    expect(await count(url, 'SELECT count(*) AS n FROM documents')).toBe(6);
  }, 120_000);

  test('when a server has the database open, then the CLI imports beside it and the server sees the new documents on its next refresh', async () => {
    const url = freshDatabase();
    const server = await openPostgresStore(url, { log: () => {} });
    try {
      await server.documents.create(createDocument({ id: 'srv-1', body: 'Written through the server.', format: 'text', author: 'ana', now: '2026-01-01T00:00:00.000Z' }));
      const r = await run('import', [SEEDS, '--annotator', 'tester'], { dataDir: join(work, 'unused-data'), databaseUrl: url });
      expect([r.code, r.stdout.split('\n')[0]]).toEqual([0, 'imported: 6 new documents, 0 revised, 0 unchanged, 9 labels (0 already there)']);
      await server.documents.refresh();
      expect(server.documents.count).toBe(7);
      expect((await server.documents.getDocument('emoji-protest'))?.labels.length).toBe(3);
      expect(latestText(await server.documents.getDocument('srv-1'))).toBe('Written through the server.');
      const out = join(work, 'all.jsonl');
      expect((await run('export', ['--format', 'jsonl', '--out', out], { dataDir: join(work, 'unused-data'), databaseUrl: url })).stderr).toBe(`exported 7 documents, 9 labels to ${out}\n`);
    } finally {
      await server.close();
    }
  }, 120_000);

  test('when one line of a JSONL file is wrong, then the import into PostgreSQL writes nothing and exits 1 naming the line', async () => {
    const url = freshDatabase();
    const file = join(work, 'a.jsonl');
    await writeFile(file, `${JSON.stringify({ id: 'good-1', title: 'One', text: 'First text.' })}\n${JSON.stringify({ id: 'bad-2', title: 'Two', publishedAt: 'yesterday', text: 'Second text.' })}\n`);
    const r = await run('import', [file], { dataDir: join(work, 'unused-data'), databaseUrl: url });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('nothing imported: 1 error(s) (use --skip-bad to import the rest)\nfailed: 1\n  a.jsonl:2: publishedAt: must be a date YYYY-MM-DD\n');
    expect(await count(url, 'SELECT count(*) AS n FROM documents')).toBe(0);
  }, 60_000);

  test.each([
    ['a URL of another database engine', () => 'mysql://user@127.0.0.1/framewise', () => 'DATABASE_URL must start with postgres:// or postgresql://, not mysql://'],
    ['a URL with no database', () => `postgres://postgres@127.0.0.1:${cluster.port}`, () => 'DATABASE_URL names no database'],
    ['a database that does not exist', () => `postgres://postgres@127.0.0.1:${cluster.port}/no_such_db`, () => `PostgreSQL at postgres@127.0.0.1:${cluster.port}/no_such_db has no such database`],
  ])('when DATABASE_URL is %s, then import and export exit 1 with a message naming the problem and write nothing', async (_what, url, message) => {
    await writeFile(join(work, 'a.jsonl'), `${JSON.stringify({ id: 'x', title: 'X', text: 'Some text.' })}\n`);
    const before = await snapshotDir(dataDir);
    const databases = await databasesOf();
    const imported = await run('import', [join(work, 'a.jsonl')], { dataDir, databaseUrl: url() });
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain(`import failed: ${message()}`);
    expect(imported.stdout).toBe('');
    const exported = await run('export', ['--format', 'jsonl', '--out', join(work, 'out.jsonl')], { dataDir, databaseUrl: url() });
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain(`export failed: ${message()}`);
    await expect(readdir(work)).resolves.toEqual(['a.jsonl']);
    expect(await snapshotDir(dataDir)).toEqual(before);
    expect(await databasesOf()).toEqual(databases);
  }, 60_000);

  test('when DATABASE_URL names a server that does not answer, then the import exits 1 saying it cannot reach it', async () => {
    const port = await freePort();
    await writeFile(join(work, 'a.jsonl'), `${JSON.stringify({ id: 'x', title: 'X', text: 'Some text.' })}\n`);
    const before = await snapshotDir(dataDir);
    const r = await run('import', [join(work, 'a.jsonl')], { dataDir, databaseUrl: `postgres://postgres@127.0.0.1:${port}/framewise` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`import failed: cannot reach PostgreSQL at postgres@127.0.0.1:${port}/framewise: connection refused`);
    expect(await snapshotDir(dataDir)).toEqual(before);
  }, 60_000);
});
