import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text as readAll } from 'node:stream/consumers';
import pg from 'pg';
import { startCluster, type TestCluster } from '../helpers/postgres-cluster.js';
import { main } from '../../server/cli/migrate-store.js';
import { DocumentStore } from '../../server/store/document-store.js';
import { ProjectStore } from '../../server/store/project-store.js';
import { exportStream } from '../../server/services/export.js';
import { NO_FILTER, filterLabels } from '../../server/domain/formats/filters.js';
import { formatNamed } from '../../server/domain/formats/registry.js';
import { plainExportContext } from '../../server/domain/formats/format.js';
import { openPostgresStore } from '../../server/store/postgres/index.js';
import { labelOn, pgDoc } from '../store/pg-helpers.js';

let cluster: TestCluster;
let dbCount = 0;
const freshDatabase = () => cluster.createDatabase(`migrate_store_${++dbCount}`);
const temps: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'framewise-migrate-'));
  temps.push(dir);
  return dir;
};

beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(async () => {
  cluster?.stop();
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

const quiet = () => {};

const DATA_FILES = {
  'project.json': '{"labelTypes":[{"id":"rumour","name":"Rumour","color":"#aa0000","key":"4"}]}',
  'users.json': '{\n  "users": [],\n  "sessions": [],\n  "tokens": []\n}\n',
  'speakers.json': '{"speakers":[{"id":"s1","name":"Ann Example"}],"merges":[]}',
};

/** A data folder with documents of every shape that matters (labels, speakers, a long compressed revision, emoji) and data files. */
async function seededFolder(): Promise<string> {
  const dir = await tempDir();
  const store = await DocumentStore.open(dir, { log: () => {} });
  const first = pgDoc('budget', '🎉 The minister said "taxes will rise" on Monday.', { outlet: 'Daily', publishedAt: '2024-05-06', url: 'https://x.test/budget' });
  first.labels = [{ ...labelOn(first, 'l1', 12), speaker: 'Ann Example', sourcing: 'named' }, { ...labelOn(first, 'l2', 20), type: 'rumour', note: 'unsure' }];
  await store.create(first);
  const revised = pgDoc('revised', `${'A long first revision. '.repeat(1200)}End.`, { title: 'Revised text' });
  await store.create(revised);
  await store.update('revised', (d) => {
    d.revisions[0].labels = [];
    d.revisions.push({ rev: 2, text: 'A short second revision.', createdAt: '2026-01-03T00:00:00.000Z', author: 'tester', message: 'shortened' });
    d.labels = [{ ...labelOn(d, 'l3', 7), rev: 2, anchor: { state: 'fuzzy', method: 'approximate', score: 0.8, fromRev: 1 } }];
    d.events.push({ at: '2026-01-03T00:00:00.000Z', actor: 'tester', kind: 'revision.created', rev: 2 });
  });
  for (let i = 0; i < 7; i++) await store.create(pgDoc(`plain-${i}`, `Plain text number ${i}.`, { outlet: i % 2 ? 'Weekly' : 'Daily' }));
  await store.close();
  for (const [name, content] of Object.entries(DATA_FILES)) await writeFile(join(dir, name), content);
  return dir;
}

/** The jsonl export of a data folder, through the export service. */
async function jsonlOfFolder(dir: string): Promise<string> {
  const store = await DocumentStore.open(dir, { readOnly: true, log: () => {} });
  const project = await ProjectStore.open(dir, { readOnly: true });
  return readAll(exportStream(store, project, { format: 'jsonl', filter: NO_FILTER }).stream);
}

/**
 * The jsonl export of a PostgreSQL database: the export service only reads a DocumentStore today,
 * so this runs the same jsonl encoder the service uses over the repository's documents, in id order.
 */
async function jsonlOfDatabase(url: string, labelTypesFrom: string): Promise<string> {
  const project = await ProjectStore.open(labelTypesFrom, { readOnly: true });
  const encoding = formatNamed('jsonl')!.encode!;
  if (encoding.kind !== 'text') throw new Error('jsonl is expected to be a text format');
  const encoder = encoding.create(plainExportContext({ documents: 0, labels: 0, omitted: [] }, project.labelTypes()));
  const pg = await openPostgresStore(url, { log: () => {} });
  try {
    const ids: string[] = [];
    for (let page = await pg.documents.listPage({ limit: 500 }); ; page = await pg.documents.listPage({ limit: 500, cursor: page.next! })) {
      ids.push(...page.items.map((s) => s.id));
      if (!page.next) break;
    }
    let out = encoder.head?.() ?? '';
    for (const id of ids.sort()) out += encoder.document(filterLabels(NO_FILTER, (await pg.documents.getDocument(id))!));
    return out + (encoder.tail?.() ?? '');
  } finally {
    await pg.close();
  }
}

describe('npm run migrate-store', () => {
  it('when a data folder is copied to PostgreSQL and back, then the jsonl exports of the folder, the database and the copy are the same bytes, and the data files are copied byte for byte', async () => {
    const source = await seededFolder();
    const url = freshDatabase();
    const back = join(await tempDir(), 'data');
    const lines: string[] = [];

    expect(await main(['--from', source, '--to', url], (l) => lines.push(l))).toBe(0);
    expect(await main(['--from', url, '--to', back], (l) => lines.push(l))).toBe(0);

    expect(lines.filter((l) => l.startsWith('copied 9 documents'))).toHaveLength(2);
    const original = await jsonlOfFolder(source);
    expect(original.trim().split('\n')).toHaveLength(9);
    expect(original).toContain('taxes will rise');
    expect(original).toContain('A long first revision.');
    expect(await jsonlOfDatabase(url, source)).toBe(original);
    expect(await jsonlOfFolder(back)).toBe(original);
    for (const [name, content] of Object.entries(DATA_FILES)) expect(await readFile(join(back, name), 'utf8')).toBe(content);
    expect(lines).toContain('copied data files: project.json, speakers.json, users.json');
  });

  it('when the target already holds documents, then the copy is refused naming them and the target is unchanged', async () => {
    const source = await seededFolder();
    const target = await seededFolder();
    const before = await readdir(join(target, 'documents'));
    await expect(main(['--from', source, '--to', freshDatabase()], quiet)).resolves.toBe(0);
    await expect(main(['--from', `postgres://postgres@127.0.0.1:${cluster.port}/migrate_store_${dbCount}`, '--to', target], quiet)).rejects.toThrow(
      /is not empty \(it holds 9 documents, project.json, users.json, speakers.json\); migrate-store copies into an empty store only/,
    );
    expect(await readdir(join(target, 'documents'))).toEqual(before);
  });

  it('when PostgreSQL already holds documents, then copying a folder into it is refused', async () => {
    const url = freshDatabase();
    await main(['--from', await seededFolder(), '--to', url], quiet);
    await expect(main(['--from', await seededFolder(), '--to', url], quiet)).rejects.toThrow(/PostgreSQL postgres@127\.0\.0\.1:\d+\/migrate_store_\d+ is not empty/);
  });

  it('when the arguments do not name one folder and one database, then it exits with 2 and the usage', async () => {
    const out: string[] = [];
    expect(await main(['--from', 'data/'], (l) => out.push(l))).toBe(2);
    expect(await main(['--from', 'a/', '--to', 'b/'], (l) => out.push(l))).toBe(2);
    expect(await main(['--form', 'a/'], (l) => out.push(l))).toBe(2);
    expect(out.join('\n')).toContain('--from and --to are both needed');
    expect(out.join('\n')).toContain('are both data folders; migrate-store copies between a data folder and PostgreSQL');
    expect(out.join('\n')).toContain('usage: npm run migrate-store');
  });

  it('when the source folder does not exist, then it says so and creates nothing', async () => {
    const missing = join(await tempDir(), 'nowhere');
    const url = freshDatabase();
    await expect(main(['--from', missing, '--to', url], quiet)).rejects.toThrow(`there is no data folder at ${missing}`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT to_regclass('schema_migrations')::text AS t");
      expect(rows[0].t).toBeNull();
    } finally {
      await client.end();
    }
  });
});
