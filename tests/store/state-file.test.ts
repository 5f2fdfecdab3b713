import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStateBackend } from '../../server/store/state.js';
import { UserStore } from '../../server/auth/user-store.js';
import { TeamStore } from '../../server/auth/team-store.js';
import { ProjectStore } from '../../server/store/project-store.js';
import { SpeakerStore } from '../../server/store/speaker-store.js';
import { AnswerStore } from '../../server/store/answer-store.js';
import { ensureAdmin } from '../../server/auth/bootstrap.js';
import { stateContract } from './state-contract.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'framewise-state-'));
}

async function readOrNull(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
}

stateContract('FileStateBackend (a data folder)', async () => {
  const dir = await tempDir();
  return {
    backend: new FileStateBackend(dir),
    reopen: async () => new FileStateBackend(dir),
    stored: (name) => readOrNull(join(dir, name)),
    storeRaw: (name, content) => writeFile(join(dir, name), content),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('the stores on a data folder or a FileStateBackend', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('when the same changes are made through X.open(dataDir) and X.open(new FileStateBackend(dataDir)), then the files hold the same bytes', async () => {
    const other = await tempDir();
    try {
      for (const states of [dir, new FileStateBackend(other)]) {
        const team = await TeamStore.open(states);
        await team.changeSettings({ blind: 'on', annotatorsPerDocument: 2 });
        const project = await ProjectStore.open(states);
        await project.addTypes([{ id: 'source', name: 'Source', color: '#123456' }]);
        await project.updateType({ id: 'direct-quote', name: 'Quote', color: '#000000' });
        const speakers = await SpeakerStore.open(states);
        await speakers.update((d) => void d.speakers.push({ id: 'sp-1', name: 'Ann Example', aliases: ['Ann Example'], createdAt: '2026-01-01T00:00:00.000Z' }));
        const answers = await AnswerStore.open(states);
        await answers.update((d) => void d.questions.push({ id: 'q-1', text: 'Who?' } as never));
      }
      for (const name of ['team.json', 'project.json', 'speakers.json', 'answers.json']) {
        expect(await readFile(join(other, name), 'utf8')).toBe(await readFile(join(dir, name), 'utf8'));
      }
      expect(await readFile(join(dir, 'project.json'), 'utf8')).toBe(
        '{"labelTypes":[{"id":"source","name":"Source","color":"#123456"}],"builtInOverrides":{"direct-quote":{"name":"Quote","color":"#000000"}}}',
      );
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('when a type that is already known is added again, then nothing is written (the file is not even created)', async () => {
    const project = await ProjectStore.open(dir);
    expect(await project.addTypes([{ id: 'direct-quote', name: 'Again', color: '#111111' }])).toEqual([]);
    expect(await readOrNull(join(dir, 'project.json'))).toBeNull();
  });

  it('when speakers.json or answers.json of an older release lack parts, then they read complete, in the order a fresh file has them', async () => {
    await writeFile(join(dir, 'speakers.json'), '{"merges":[],"speakers":[]}');
    await writeFile(join(dir, 'answers.json'), '{"answers":[],"extra":1}');
    const speakers = await SpeakerStore.open(dir);
    expect(Object.keys(speakers.read())).toEqual(['speakers', 'merges', 'verdictSettings']);
    const answers = await AnswerStore.open(dir);
    expect(answers.read()).toEqual({ questions: [], answers: [] });
    await answers.update((d) => void d.answers.push({ id: 'a' } as never));
    expect(await readFile(join(dir, 'answers.json'), 'utf8')).toBe('{"questions":[],"answers":[{"id":"a"}]}');
  });

  it('when ensureAdmin is given a data folder, then the generated password is written there even for users held elsewhere, and changing the admin password deletes it', async () => {
    const elsewhere = await tempDir();
    try {
      const users = await UserStore.open(new FileStateBackend(elsewhere), { dataDir: dir });
      expect(await ensureAdmin(users, undefined, () => {}, dir)).toBe('generated');
      const password = (await readFile(join(dir, 'initial-admin-password'), 'utf8')).trim();
      expect(await users.verify('admin', password)).not.toBeNull();
      expect(await readOrNull(join(elsewhere, 'initial-admin-password'))).toBeNull();
      await users.change('admin', { password: 'another long password here' });
      expect(await readOrNull(join(dir, 'initial-admin-password'))).toBeNull();
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});
