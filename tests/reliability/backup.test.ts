import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { join, resolve } from 'node:path';
import tar from 'tar-stream';
import { FIRST_SEED, snapshotDir, startTestApp, tempDataDir } from '../helpers/app.js';
import { writeBackup } from '../../server/store/backup.js';
import { restoreBackup } from '../../server/store/restore.js';
import { fromBuffer, MANIFEST, packArchive, sha256, unpackArchive } from '../../server/store/backup-archive.js';
import { DataDirLock } from '../../server/store/lock.js';
import type { Label } from '../../server/domain/types.js';
import { adminHeaders, killHard, startServer } from './server-process.js';

/** Runs `npm run backup|restore` the way package.json does (tsx), with DATA_DIR set. */
function runCli(script: 'backup' | 'restore', dataDir: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(`server/cli/${script}.ts`), ...args], { env: { ...process.env, DATA_DIR: dataDir, NODE_OPTIONS: '', ...env } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => done({ code: code ?? -1, output }));
  });
}

/** Only the files a backup carries (not the lock, not leftovers). */
const dataFiles = (snap: Record<string, string>) =>
  Object.fromEntries(Object.entries(snap).filter(([k]) => /^(documents\/|quarantine\/|project\.json$|seeded\.json$|users\.json$)/.test(k)));

async function rawArchive(path: string, entries: { name: string; data: Buffer }[]): Promise<void> {
  const pack = tar.pack();
  const done = pipeline(pack, createGzip(), createWriteStream(path));
  for (const e of entries) pack.entry({ name: e.name, size: e.data.length }, e.data);
  pack.finalize();
  await done;
}

describe('backup and restore', () => {
  const dirs: string[] = [];
  const temp = async () => {
    const d = await tempDataDir();
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('when a backup is taken with npm run backup while the server saves labels, then npm run restore brings back a folder the server opens with every label saved before the backup', async () => {
    const dataDir = await temp();
    const outDir = await temp();
    const archive = join(outDir, 'backup.tar.gz');
    const { server, url } = await startServer(dataDir);
    try {
      const labelsUrl = `${url}/api/documents/${FIRST_SEED}/labels`;
      const auth = await adminHeaders(url);
      const post = (n: number) => fetch(labelsUrl, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ start: 0, end: 9, type: 'opinion', rev: 1, note: `label ${n}` }) });
      const before: string[] = [];
      for (let n = 0; n < 10; n++) before.push(((await (await post(n)).json()) as Label).id);

      let writing = true;
      const writer = (async () => {
        for (let n = 10; writing; n++) expect((await post(n)).status).toBe(201);
      })();
      const backup = await runCli('backup', dataDir, [archive]);
      writing = false;
      await writer;
      expect(backup).toEqual({ code: 0, output: expect.stringMatching(/^backed up 5 documents \(7 files, [\d,]+ bytes\) from .* to .*backup\.tar\.gz\n$/) });

      const restored = await temp();
      const restore = await runCli('restore', restored, [archive]);
      expect(restore).toEqual({ code: 0, output: expect.stringMatching(/^restored 5 documents \(7 files, backup of .*\) into /) });
      const { files } = await unpackArchive(fromBuffer(await readFile(archive)));
      for (const f of files) expect((await readFile(join(restored, f.path))).equals(f.data)).toBe(true);

      const second = await startServer(restored);
      try {
        expect(second.server.output()).not.toMatch(/quarantined/);
        const auth2 = await adminHeaders(second.url);
        const labels = (await (await fetch(`${second.url}/api/documents/${FIRST_SEED}/labels`, { headers: auth2 })).json()) as Label[];
        for (const id of before) expect(labels.map((l) => l.id)).toContain(id);
        expect(((await (await fetch(`${second.url}/api/documents`, { headers: auth2 })).json()) as unknown[]).length).toBe(5);
      } finally {
        await killHard(second.server);
      }
    } finally {
      await killHard(server);
    }
  }, 60_000);

  it('when nothing writes meanwhile, then the restored folder is byte-identical to the original', async () => {
    const t = await startTestApp({ seeds: true });
    dirs.push(t.dataDir);
    await t.http.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 0, end: 9, type: 'opinion', rev: 1, note: 'kept' }).expect(201);
    await t.http.post('/api/label-types').send({ id: 'hedge', name: 'Hedge', color: '#336699' }).expect(201);
    await mkdir(join(t.dataDir, 'quarantine'));
    await writeFile(join(t.dataDir, 'quarantine', '2026-01-01T00-00-00-000Z-broken.json'), '{ broken');
    const archive = join(await temp(), 'b.tar.gz');
    const manifest = await writeBackup(t.dataDir, archive);
    expect(manifest.files.map((f) => f.path)).toEqual([
      '000_b5b79bfe33936fda', '001_b1fe9c773694e9ae', '002_f9b24e5332cffdf2', '003_975f8ef28e3c2c11', '004_062c31817f8f94f3',
    ].map((id) => `documents/${id}.json`).concat(['quarantine/2026-01-01T00-00-00-000Z-broken.json', 'seeded.json', 'users.json', 'project.json']));

    const restored = await temp();
    const result = await restoreBackup(archive, restored);
    expect(result.movedAsideTo).toBeNull();
    expect(dataFiles(await snapshotDir(restored))).toEqual(dataFiles(await snapshotDir(t.dataDir)));
    expect(await readdir(restored)).not.toContain('framewise.lock');
  });

  it('when the target already holds data, then restore refuses without --force and moves it aside with it', async () => {
    const t = await startTestApp({ seeds: true });
    dirs.push(t.dataDir);
    const archive = join(await temp(), 'b.tar.gz');
    await writeBackup(t.dataDir, archive);
    const target = await temp();
    await mkdir(join(target, 'documents'));
    await writeFile(join(target, 'documents', 'mine.json'), 'precious');
    const before = await snapshotDir(target);
    await expect(restoreBackup(archive, target)).rejects.toThrow(`${target} already holds data (documents); restore into an empty folder, or add --force to move the current data aside first`);
    expect(await snapshotDir(target)).toEqual(before);

    const { movedAsideTo } = await restoreBackup(archive, target, { force: true, now: new Date('2026-02-03T04:05:06.789Z') });
    expect(movedAsideTo).toBe(join(target, 'replaced-2026-02-03T04-05-06-789Z'));
    expect(await readFile(join(movedAsideTo!, 'documents', 'mine.json'), 'utf8')).toBe('precious');
    expect((await readdir(join(target, 'documents'))).length).toBe(5);
  });

  it('when DATABASE_URL is set, then backup and restore refuse (exit 2, naming pg_dump / pg_restore) and write nothing', async () => {
    const dataDir = await temp();
    const outDir = await temp();
    const archive = join(outDir, 'backup.tar.gz');
    const env = { DATABASE_URL: 'postgres://framewise@127.0.0.1:1/framewise' };
    const before = await snapshotDir(dataDir);
    const backup = await runCli('backup', dataDir, [archive], env);
    expect(backup.code).toBe(2);
    expect(backup.output).toMatch(/^backup refused: DATABASE_URL is set.*use pg_dump -Fc/);
    expect(await readdir(outDir)).toEqual([]);
    await rawArchive(archive, [{ name: MANIFEST, data: Buffer.from('{}') }]);
    const restore = await runCli('restore', dataDir, [archive], env);
    expect(restore.code).toBe(2);
    expect(restore.output).toMatch(/^restore refused: DATABASE_URL is set.*use pg_restore/);
    expect(await snapshotDir(dataDir)).toEqual(before);
  });

  it('when a server holds the data folder, then restore refuses and changes nothing', async () => {
    const target = await temp();
    const archive = join(await temp(), 'b.tar.gz');
    await writeBackup(target, archive);
    await DataDirLock.acquire(target, process.ppid);
    const before = await snapshotDir(target);
    await expect(restoreBackup(archive, target)).rejects.toThrow(/is in use by process/);
    expect(await snapshotDir(target)).toEqual(before);
  });

  describe('when the archive is damaged or hostile, then restore refuses it and writes nothing', () => {
    const doc = Buffer.from('{"not":"checked"}');
    const manifestOf = (files: { path: string; data: Buffer }[]) =>
      Buffer.from(JSON.stringify({ format: 'framewise-backup/1', createdAt: 'x', documents: 0, files: files.map((f) => ({ path: f.path, bytes: f.data.length, sha256: sha256(f.data) })) }));

    it.each([
      ['not gzip at all', async (p: string) => writeFile(p, 'plain text'), /^not a readable \.tar\.gz backup: /],
      ['without a manifest', async (p: string) => rawArchive(p, [{ name: 'seeded.json', data: Buffer.from('{}') }]), /has no manifest\.json/],
      ['with a path that climbs out', async (p: string) => rawArchive(p, [{ name: '../evil.json', data: doc }]), /"\.\.\/evil\.json", which is not a path a backup may contain/],
      ['with an absolute path', async (p: string) => rawArchive(p, [{ name: '/etc/cron.d/x', data: doc }]), /which is not a path a backup may contain/],
      ['with a file changed after the backup', async (p: string) => {
        const good = { path: 'seeded.json', data: Buffer.from('{"a":1}') };
        await rawArchive(p, [{ name: 'seeded.json', data: Buffer.from('{"a":2}') }, { name: MANIFEST, data: manifestOf([good]) }]);
      }, /"seeded\.json" does not match its manifest checksum/],
      ['with a document that fails the schema', async (p: string) => {
        const bad = { path: 'documents/x.json', data: doc };
        await rawArchive(p, [{ name: bad.path, data: bad.data }, { name: MANIFEST, data: manifestOf([bad]) }]);
      }, /documents\/x\.json does not match the document schema/],
      ['with a file the manifest does not list', async (p: string) => rawArchive(p, [{ name: 'seeded.json', data: doc }, { name: MANIFEST, data: manifestOf([]) }]), /"seeded\.json" is in the archive but not in its manifest/],
    ])('%s', async (_what, make, message) => {
      const archive = join(await temp(), 'bad.tar.gz');
      await make(archive);
      const target = await temp();
      await expect(restoreBackup(archive, target)).rejects.toThrow(message);
      expect(await readdir(target)).toEqual([]);
    });
  });

  it('when the archive is packed by packArchive, then unpackArchive reads back the same files', async () => {
    const dir = await temp();
    const files = [{ path: 'seeded.json', data: Buffer.from('{"seededAt":"x"}') }];
    await packArchive(files, createWriteStream(join(dir, 'a.tar.gz')), '2026-01-01T00:00:00.000Z');
    const back = await unpackArchive(fromBuffer(await readFile(join(dir, 'a.tar.gz'))));
    expect(back.files).toEqual(files);
    expect(back.manifest).toEqual({ format: 'framewise-backup/1', createdAt: '2026-01-01T00:00:00.000Z', documents: 0, files: [{ path: 'seeded.json', bytes: 16, sha256: sha256(files[0].data) }] });
  });
});
