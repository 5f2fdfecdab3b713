import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type TestCluster } from '../helpers/postgres-cluster.js';
import { copyStore } from '../../server/store/postgres/copy-store.js';
import { DocumentStore } from '../../server/store/document-store.js';
import type { TrashRecord } from '../../server/store/corpus.js';
import { openPostgresStore } from '../../server/store/postgres/index.js';
import { labelOn, pgDoc } from './pg-helpers.js';

let cluster: TestCluster;
let dbCount = 0;
const freshDatabase = () => cluster.createDatabase(`pg_copy_trash_${++dbCount}`);
const temps: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'framewise-copy-trash-'));
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

const record = (id: string, deletedAt: string): TrashRecord => ({ id, title: `Title ${id}`, deletedAt, deletedBy: 'editor-1' });

/** A data folder with one kept document and two in the trash, one of them with a long (compressed) older revision. */
async function folderWithTrash(): Promise<string> {
  const dir = await tempDir();
  const store = await DocumentStore.open(dir, { log: () => {}, searchIndex: 'lazy' });
  await store.create(pgDoc('kept', 'Kept text.'));
  const revised = pgDoc('revised', `${'A long first revision. '.repeat(1200)}End.`);
  await store.create(revised);
  await store.update('revised', (d) => {
    d.revisions[0].labels = [];
    d.revisions.push({ rev: 2, text: 'A short second revision.', createdAt: '2026-01-03T00:00:00.000Z', author: 'tester', message: 'shortened' });
    d.labels = [{ ...labelOn(d, 'l1', 7), rev: 2, speaker: 'Ann' }];
  });
  await store.create(pgDoc('plain', '🎉 Plain text.'));
  await store.moveToTrash('revised', record('revised', '2026-02-01T10:00:00.000Z'));
  await store.moveToTrash('plain', record('plain', '2026-02-03T09:30:00.000Z'));
  await store.close();
  return dir;
}

async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) out[name] = await readFile(join(dir, name), 'utf8');
  return out;
}

describe('npm run migrate-store and the trash', () => {
  it('when a data folder with a trash is copied to PostgreSQL and back, then the trash table holds each document as it was and the trash folder comes back byte for byte', async () => {
    const source = await folderWithTrash();
    const url = freshDatabase();
    const back = join(await tempDir(), 'data');

    const there = await copyStore({ kind: 'lowdb', dir: source }, { kind: 'postgres', url });
    expect(there).toMatchObject({ documents: 1, trashed: 2 });
    const returned = await copyStore({ kind: 'postgres', url }, { kind: 'lowdb', dir: back });
    expect(returned).toMatchObject({ documents: 1, trashed: 2 });

    expect(await filesOf(join(back, 'trash'))).toEqual(await filesOf(join(source, 'trash')));
    expect(Object.keys(await filesOf(join(back, 'trash')))).toEqual(['plain.deleted.json', 'plain.json', 'revised.deleted.json', 'revised.json']);

    // In PostgreSQL: the same records, and a restore gives the document as it was before its deletion.
    const folder = await DocumentStore.open(source, { log: () => {}, searchIndex: 'lazy' });
    const pg = await openPostgresStore(url, { log: () => {} });
    try {
      expect(await pg.documents.trash.list()).toEqual(await folder.trash.list());
      expect(await pg.documents.trash.list()).toEqual([record('plain', '2026-02-03T09:30:00.000Z'), record('revised', '2026-02-01T10:00:00.000Z')]);
      const fromPg = await pg.documents.restoreFromTrash('revised');
      const fromFolder = await folder.restoreFromTrash('revised');
      expect(fromPg).toEqual(fromFolder);
      expect(fromPg.revisions[0].text).toBe(`${'A long first revision. '.repeat(1200)}End.`);
      expect(pg.documents.summary('revised')).toEqual(folder.summary('revised'));
    } finally {
      await pg.close();
      await folder.close();
    }
  });

  it('when the target holds only a trash, then the copy is refused naming it', async () => {
    const url = freshDatabase();
    await copyStore({ kind: 'lowdb', dir: await folderWithTrash() }, { kind: 'postgres', url });
    const pg = await openPostgresStore(url, { log: () => {} });
    try {
      await pg.documents.delete('kept');
    } finally {
      await pg.close();
    }
    await expect(copyStore({ kind: 'lowdb', dir: await folderWithTrash() }, { kind: 'postgres', url })).rejects.toThrow(/is not empty \(it holds 2 documents in the trash\)/);
  });
});
