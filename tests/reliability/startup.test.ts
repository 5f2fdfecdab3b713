import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIRST_SEED, snapshotDir, startTestApp, tempDataDir } from '../helpers/app.js';
import { adminHeaders, killHard, spawnServer, startServer, type ServerProcess } from './server-process.js';

describe('server start', () => {
  let dataDir: string;
  const running: ServerProcess[] = [];
  beforeEach(async () => {
    dataDir = await tempDataDir();
  });
  afterEach(async () => {
    for (const s of running.splice(0)) await killHard(s);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('when a server already runs on DATA_DIR, then a second one is refused with the pid, exits 1 and changes nothing', async () => {
    const { server: first, url } = await startServer(dataDir);
    running.push(first);
    const before = await snapshotDir(dataDir);
    const second = spawnServer(dataDir);
    running.push(second);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`Framewise cannot start: ${join(dataDir, 'framewise.lock')} says the data folder is in use by process ${first.child.pid} on`);
    expect(await snapshotDir(dataDir)).toEqual(before);
    expect((await fetch(`${url}/api/documents`, { headers: await adminHeaders(url) })).status).toBe(200);
  });

  it('when the previous server was SIGKILLed, then its stale lock is taken over at the next start', async () => {
    const { server: first } = await startServer(dataDir);
    await killHard(first);
    expect(JSON.parse(await readFile(join(dataDir, 'framewise.lock'), 'utf8')).pid).toBe(first.child.pid);
    const { server: second, url } = await startServer(dataDir);
    running.push(second);
    expect(JSON.parse(await readFile(join(dataDir, 'framewise.lock'), 'utf8')).pid).toBe(second.child.pid);
    expect((await fetch(`${url}/api/documents`, { headers: await adminHeaders(url) })).status).toBe(200);
  });

  it('when the server stops on SIGTERM, then it removes its lock', async () => {
    const { server } = await startServer(dataDir);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(await readdir(dataDir)).not.toContain('framewise.lock');
  });

  it('when a document file is damaged, then the server names the file and the reason, quarantines it and serves the rest', async () => {
    const { server: first } = await startServer(dataDir);
    first.child.kill('SIGTERM');
    await first.exited;
    const good = await readFile(join(dataDir, 'documents', `${FIRST_SEED}.json`), 'utf8');
    await writeFile(join(dataDir, 'documents', `${FIRST_SEED}.json`), good.slice(0, 1000));
    await writeFile(join(dataDir, 'documents', 'schema-broken.json'), JSON.stringify({ id: 'schema-broken', meta: { title: 'x' }, revisions: [], labels: [], events: [] }));

    const { server, url } = await startServer(dataDir);
    running.push(server);
    expect(server.output()).toContain(`quarantined ${join(dataDir, 'documents', `${FIRST_SEED}.json`)}: not valid JSON:`);
    expect(server.output()).toContain(`quarantined ${join(dataDir, 'documents', 'schema-broken.json')}: does not match the document schema: revisions: Too small: expected array to have >=1 items (moved to ${join(dataDir, 'quarantine')}/`);
    const headers = await adminHeaders(url);
    const list = (await (await fetch(`${url}/api/documents`, { headers })).json()) as { id: string }[];
    expect(list.map((d) => d.id).sort()).toEqual(['001_b1fe9c773694e9ae', '002_f9b24e5332cffdf2', '003_975f8ef28e3c2c11', '004_062c31817f8f94f3']);
    expect((await fetch(`${url}/api/documents/${FIRST_SEED}`, { headers })).status).toBe(404);
    const quarantined = await readdir(join(dataDir, 'quarantine'));
    expect(quarantined).toHaveLength(2);
    const damaged = quarantined.find((n) => n.endsWith(`-${FIRST_SEED}.json`))!;
    expect(await readFile(join(dataDir, 'quarantine', damaged), 'utf8')).toBe(good.slice(0, 1000));
  });

  it('when project.json is damaged, then the server refuses to start, names the file, and changes nothing', async () => {
    await mkdir(join(dataDir, 'documents'), { recursive: true });
    await writeFile(join(dataDir, 'project.json'), '{"labelTypes": [');
    const before = await snapshotDir(dataDir);
    const server = spawnServer(dataDir);
    running.push(server);
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain(`${join(dataDir, 'project.json')} is damaged`);
    const after = await snapshotDir(dataDir);
    expect(after).toEqual(before);
  });

  it('when the app is built over a folder with a damaged file, then the API serves the sound documents', async () => {
    await mkdir(join(dataDir, 'documents'), { recursive: true });
    await writeFile(join(dataDir, 'documents', 'broken.json'), 'not json');
    const t = await startTestApp({ dataDir, seeds: true });
    expect(t.store.problems.map((p) => p.reason)).toEqual([expect.stringMatching(/^not valid JSON: /)]);
    expect((await t.http.get('/api/documents')).body).toHaveLength(5);
  });
});
