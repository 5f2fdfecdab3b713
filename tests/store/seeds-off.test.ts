import { spawn } from 'node:child_process';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../server/config.js';
import { tempDataDir } from '../helpers/app.js';
import { PROCESS_ADMIN_PASSWORD, signedInHeaders } from '../helpers/server-auth.js';

/** Starts the real server with extra environment, asks for the document list, stops it. */
async function documentsAtStart(dataDir: string, env: Record<string, string>): Promise<{ ids: string[]; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('server/main.ts')], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', NODE_OPTIONS: '', ADMIN_PASSWORD: PROCESS_ADMIN_PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  const url = await new Promise<string | null>((done) => {
    const check = (d: Buffer) => {
      output += d.toString();
      const m = /Framewise on (http:\/\/\S+:\d+)/.exec(output);
      if (m) done(m[1]);
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    void exited.then(() => done(null));
  });
  if (!url) return { ids: [], output };
  const ids = ((await (await fetch(`${url}/api/documents`, { headers: await signedInHeaders(url) })).json()) as { id: string }[]).map((d) => d.id);
  child.kill('SIGTERM');
  await exited;
  return { ids, output };
}

describe('starting without the seed articles', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await tempDataDir();
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  test('when SEEDS is unset, on or off, then the config says so; another value is refused with a message', () => {
    expect(loadConfig({}).seeds).toBe(true);
    expect(loadConfig({ SEEDS: 'on' }).seeds).toBe(true);
    expect(loadConfig({ SEEDS: 'OFF' }).seeds).toBe(false);
    expect(() => loadConfig({ SEEDS: 'no' })).toThrow('SEEDS must be "on" or "off", not "no"');
  });

  test('when the server starts with SEEDS=off, then the corpus is empty and no seed marker is written', async () => {
    const { ids } = await documentsAtStart(dataDir, { SEEDS: 'off' });
    expect(ids).toEqual([]);
    expect((await readdir(join(dataDir, 'documents')))).toEqual([]);
    expect(await readdir(dataDir)).not.toContain('seeded.json');
  }, 30000);

  test('when SEEDS_DIR is an empty folder, then the corpus is empty', async () => {
    const empty = join(dataDir, 'no-seeds');
    await mkdir(empty);
    const { ids } = await documentsAtStart(join(dataDir, 'data'), { SEEDS_DIR: empty });
    expect(ids).toEqual([]);
  }, 30000);

  test('when the server starts with the default seeds, then the five seed articles are there', async () => {
    const { ids } = await documentsAtStart(dataDir, {});
    expect(ids).toHaveLength(5);
  }, 30000);

  test('when SEEDS_DIR does not exist, then the server does not start and says what to set', async () => {
    const { ids, output } = await documentsAtStart(dataDir, { SEEDS_DIR: join(dataDir, 'missing') });
    expect(ids).toEqual([]);
    expect(output).toContain(`the seeds folder ${join(dataDir, 'missing')} does not exist: set SEEDS_DIR to a folder of seed articles, or SEEDS=off to start with an empty corpus`);
  }, 30000);
});
