import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DocumentStore } from '../../server/store/document-store.js';
import { createDocument } from '../../server/domain/documents.js';
import type { DocumentRecord } from '../../server/domain/types.js';
import { readDocFile, snapshotDir, tempDataDir } from '../helpers/app.js';

const NOW = '2026-01-02T03:04:05.000Z';
const doc = (id: string, text = `Text of ${id}.`): DocumentRecord =>
  createDocument({ id, body: text, format: 'text', meta: { title: `Title ${id}` }, author: 'tester', now: NOW });

async function writeDocFile(dataDir: string, name: string, content: string): Promise<void> {
  await mkdir(join(dataDir, 'documents'), { recursive: true });
  await writeFile(join(dataDir, 'documents', name), content);
}

describe('DocumentStore', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await tempDataDir();
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  describe('when it opens a folder with damaged files', () => {
    const damaged = {
      'not-json.json': '{"id": "not-json", "meta": ',
      'empty.json': '',
      'wrong-shape.json': JSON.stringify({ ...doc('wrong-shape'), labels: 'none' }),
      'no-revisions.json': JSON.stringify({ ...doc('no-revisions'), revisions: [] }),
      'other-id.json': JSON.stringify(doc('someone-else')),
      'bad name!.json': JSON.stringify(doc('good')),
    };

    beforeEach(async () => {
      await writeDocFile(dataDir, 'good.json', JSON.stringify(doc('good')));
      for (const [name, content] of Object.entries(damaged)) await writeDocFile(dataDir, name, content);
    });

    it('then it loads the sound documents and reports each damaged file with its reason', async () => {
      const store = await DocumentStore.open(dataDir);
      expect(store.list().map((e) => e.id)).toEqual(['good']);
      const reasons = Object.fromEntries(store.problems.map((p) => [p.file.split('/').pop(), p.reason]));
      expect(reasons).toEqual({
        'bad name!.json': 'file name bad name!.json is not a valid document id',
        'empty.json': 'not valid JSON: Unexpected end of JSON input',
        'no-revisions.json': 'does not match the document schema: revisions: Too small: expected array to have >=1 items',
        'not-json.json': expect.stringMatching(/^not valid JSON: /),
        'other-id.json': 'its id "someone-else" does not match its file name',
        'wrong-shape.json': 'does not match the document schema: labels: Invalid input: expected array, received string',
      });
    });

    it('then every damaged file is moved, byte for byte, to quarantine/ and nothing is left in documents/', async () => {
      const store = await DocumentStore.open(dataDir);
      expect(await readdir(join(dataDir, 'documents'))).toEqual(['good.json']);
      for (const p of store.problems) {
        expect(p.movedTo!.startsWith(join(dataDir, 'quarantine') + '/')).toBe(true);
        expect(await readFile(p.movedTo!, 'utf8')).toBe(damaged[p.file.split('/').pop() as keyof typeof damaged]);
      }
      expect((await readdir(join(dataDir, 'quarantine'))).length).toBe(6);
    });
  });

  it('when temporary files were left by a crash, then open deletes them and keeps the documents', async () => {
    await writeDocFile(dataDir, 'good.json', JSON.stringify(doc('good')));
    await writeDocFile(dataDir, '.tmp-good.json.a1b2c3d4e5f6', '{"id":"good","me');
    const store = await DocumentStore.open(dataDir);
    expect(store.removedTempFiles).toEqual(['.tmp-good.json.a1b2c3d4e5f6']);
    expect(await readdir(join(dataDir, 'documents'))).toEqual(['good.json']);
    expect(store.problems).toEqual([]);
  });

  it('when opened read-only, then temporary and damaged files stay where they are, are skipped, and writes are refused', async () => {
    await writeDocFile(dataDir, 'good.json', JSON.stringify(doc('good')));
    await writeDocFile(dataDir, 'broken.json', '{ broken');
    await writeDocFile(dataDir, '.tmp-good.json.a1b2c3d4e5f6', '{"id":"good"');
    const before = await snapshotDir(dataDir);
    const store = await DocumentStore.open(dataDir, { readOnly: true });
    expect(store.list().map((e) => e.id)).toEqual(['good']);
    expect(store.problems).toEqual([{ file: join(dataDir, 'documents', 'broken.json'), reason: expect.stringMatching(/^not valid JSON: /), movedTo: null }]);
    await expect(store.update('good', () => undefined)).rejects.toThrow(`the document store over ${dataDir} was opened read-only`);
    await expect(store.create(doc('new'))).rejects.toThrow('read-only');
    expect(await snapshotDir(dataDir)).toEqual(before);
  });

  it('when opened read-only over a folder that does not exist, then it is empty and creates nothing', async () => {
    const missing = join(dataDir, 'nothing-here');
    const store = await DocumentStore.open(missing, { readOnly: true });
    expect(store.list()).toEqual([]);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('when a mutator throws, then neither the memory copy nor the file changes', async () => {
    const store = await DocumentStore.open(dataDir);
    await store.create(doc('a'));
    const before = await snapshotDir(dataDir);
    await expect(
      store.update('a', (draft) => {
        draft.meta.title = 'changed';
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(store.get('a')!.meta.title).toBe('Title a');
    expect(await snapshotDir(dataDir)).toEqual(before);
  });

  it('when 200 updates run at once, then all are on disk, in order, once each', async () => {
    const store = await DocumentStore.open(dataDir);
    await store.create(doc('a'));
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.update('a', (d) => d.events.push({ at: NOW, actor: 'tester', kind: `n${i}` }))),
    );
    const kinds = (await readDocFile(dataDir, 'a')).events.map((e) => e.kind);
    expect(kinds).toEqual(['document.created', ...Array.from({ length: 200 }, (_, i) => `n${i}`)]);
    expect(await readdir(join(dataDir, 'documents'))).toEqual(['a.json']);
  });

  it('when an update resolves, then a fresh store over the same folder reads the change', async () => {
    const store = await DocumentStore.open(dataDir);
    await store.create(doc('a'));
    await store.update('a', (d) => {
      d.meta.title = 'Renamed';
    });
    const reopened = await DocumentStore.open(dataDir);
    expect(reopened.get('a')!.meta.title).toBe('Renamed');
    expect(reopened.list()).toEqual(store.list());
  });

  it('when an id is unsafe, then create refuses it and writes nothing', async () => {
    const store = await DocumentStore.open(dataDir);
    const before = await snapshotDir(dataDir);
    await expect(store.create(doc('../escape'))).rejects.toThrow('unsafe document id "../escape"');
    expect(await snapshotDir(dataDir)).toEqual(before);
  });
});

describe('generation', () => {
  test('when a document is created or updated, then the generation goes up; a failed update leaves it', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { DocumentStore } = await import('../../server/store/document-store.js');
    const { createDocument } = await import('../../server/domain/documents.js');
    const store = await DocumentStore.open(await mkdtemp(join(tmpdir(), 'framewise-gen-')));
    expect(store.generation).toBe(0);
    await store.create(createDocument({ id: 'doc-1', body: 'Text.', format: 'text', author: 't', now: '2026-01-01T00:00:00Z' }));
    expect(store.generation).toBe(1);
    await store.update('doc-1', (d) => { d.meta.outlet = 'Wire'; });
    expect(store.generation).toBe(2);
    await expect(store.update('doc-1', () => { throw new Error('no'); })).rejects.toThrow('no');
    expect(store.generation).toBe(2);
  });
});

describe('project store', () => {
  test('when writing project.json fails, then the new label type is not kept, in memory either', async () => {
    const { mkdtemp, rm, mkdir, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { ProjectStore } = await import('../../server/store/project-store.js');
    const dir = await mkdtemp(join(tmpdir(), 'framewise-project-'));
    const project = await ProjectStore.open(dir);
    await rm(join(dir, 'project.json'), { force: true });
    await mkdir(join(dir, 'project.json'));
    await writeFile(join(dir, 'project.json', 'blocker'), 'x');
    await expect(project.addTypes([{ id: 'Source', name: 'Source', color: '#009E73' }])).rejects.toThrow();
    expect(project.hasType('Source')).toBe(false);
  });
});
