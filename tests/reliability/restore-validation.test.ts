import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FIRST_SEED, snapshotDir, startTestApp, tempDataDir } from '../helpers/app.js';
import { packArchive, type ArchiveFile } from '../../server/store/backup-archive.js';
import { restoreBackup } from '../../server/store/restore.js';
import type { DocumentRecord } from '../../server/domain/types.js';

/** `npm run restore` as package.json runs it. */
function runRestore(dataDir: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve('server/cli/restore.ts'), ...args], { env: { ...process.env, DATA_DIR: dataDir, NODE_OPTIONS: '' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => done({ code: code ?? -1, output }));
  });
}

describe('restore refuses a crafted archive whose checksums match', () => {
  let source: Awaited<ReturnType<typeof startTestApp>>;
  let target: Awaited<ReturnType<typeof startTestApp>>;
  let outDir: string;
  let doc: DocumentRecord;
  const docPath = `documents/${FIRST_SEED}.json`;

  beforeAll(async () => {
    source = await startTestApp({ seeds: true });
    const res = await source.http.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 0, end: 9, type: 'opinion', rev: 1 });
    expect(res.status).toBe(201);
    doc = JSON.parse(await readFile(join(source.dataDir, docPath), 'utf8')) as DocumentRecord;
    // The folder restored over (with --force) holds data of its own, which must stay as it is.
    target = await startTestApp({ seeds: true });
    outDir = await tempDataDir();
  });
  afterAll(async () => {
    await source.cleanup();
    await target.cleanup();
    await rm(outDir, { recursive: true, force: true });
  });

  /** An archive of `files` whose manifest lists each with its true size and hash. */
  async function archiveOf(name: string, files: Record<string, unknown>): Promise<string> {
    const path = join(outDir, `${name}.tar.gz`);
    const entries: ArchiveFile[] = Object.entries(files).map(([p, v]) => ({ path: p, data: Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)) }));
    await packArchive(entries, createWriteStream(path), '2026-01-01T00:00:00.000Z');
    return path;
  }

  const withLabel = (change: Record<string, unknown>) => ({ ...doc, labels: [{ ...doc.labels[0], ...change }, ...doc.labels.slice(1)] });
  const labelId = () => JSON.stringify(doc.labels[0].id);

  const cases: [string, () => Record<string, unknown>, () => string][] = [
    ['project.json with labelTypes "nope"', () => ({ 'project.json': { labelTypes: 'nope' } }), () => 'project.json labelTypes is not a list (it is "nope"): the server would not start with it'],
    ['project.json that is not JSON', () => ({ 'project.json': '{"labelTypes": [' }), () => 'project.json is not valid JSON'],
    ['users.json without a users list', () => ({ 'users.json': { users: 'admin' } }), () => 'users.json has no "users" list: the server would not start with it'],
    ['a label ending beyond its text', () => ({ [docPath]: withLabel({ end: 99_999_999 }) }), () => `${docPath}: label ${labelId()} ends at 99999999, beyond the ${doc.revisions[0].text.length} characters of revision 1`],
    ['a label of an unknown type', () => ({ [docPath]: withLabel({ type: 'made-up' }) }), () => `${docPath}: label ${labelId()} has the unknown type "made-up"`],
    ['a label on revision 7 of a one-revision text', () => ({ [docPath]: withLabel({ rev: 7 }) }), () => `${docPath}: label ${labelId()} refers to revision 7, which the document does not have (it has 1)`],
    ['a label whose quote is not its text', () => ({ [docPath]: withLabel({ quote: { ...doc.labels[0].quote, exact: 'something else' } }) }), () => `${docPath}: label ${labelId()}: the text at ${doc.labels[0].start}-${doc.labels[0].end} of revision 1 is not its quote "something else"`],
  ];
  it.each(cases)('when the archive holds %s, then restore names the file and the reason and the data folder is unchanged', async (name, files, message) => {
    const archive = await archiveOf(name.replace(/\W+/g, '-'), files());
    const before = await snapshotDir(target.dataDir);
    await expect(restoreBackup(archive, target.dataDir, { force: true })).rejects.toThrow(message());
    expect(await snapshotDir(target.dataDir)).toEqual(before);
  });

  it('when npm run restore is given such an archive, then it exits 1 with the reason and writes nothing', async () => {
    const archive = await archiveOf('cli-bad-project', { 'project.json': { labelTypes: 'nope' }, [docPath]: doc });
    const empty = await tempDataDir();
    try {
      const result = await runRestore(empty, [archive]);
      expect(result).toEqual({ code: 1, output: 'restore failed: project.json labelTypes is not a list (it is "nope"): the server would not start with it\n' });
      expect(await snapshotDir(empty)).toEqual({});
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('when the archive is sound, with a users file and an added label type in use, then it is restored', async () => {
    const typed = withLabel({ type: 'source-claim' });
    const archive = await archiveOf('sound', { 'project.json': { labelTypes: [{ id: 'source-claim', name: 'Source claim', color: '#123456' }] }, 'users.json': { users: [] }, [docPath]: typed });
    const empty = await tempDataDir();
    try {
      await restoreBackup(archive, empty);
      expect(JSON.parse(await readFile(join(empty, docPath), 'utf8'))).toEqual(typed);
      expect(JSON.parse(await readFile(join(empty, 'users.json'), 'utf8'))).toEqual({ users: [] });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
