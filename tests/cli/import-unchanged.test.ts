import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDataDir } from '../helpers/app.js';
import { importFiles, type ImportOptions } from '../../server/services/import.js';
import { DocumentStore } from '../../server/store/document-store.js';
import { ProjectStore } from '../../server/store/project-store.js';

const options: ImportOptions = { format: 'jsonl', annotator: 'imp', skipBad: false, map: {}, now: '2026-01-01T00:00:00.000Z' };
const file = (lines: unknown[]) => [{ name: 'a.jsonl', content: Buffer.from(lines.map((l) => `${JSON.stringify(l)}\n`).join('')) }];

/** Every file of the data folder with its modification time (ns): a file written again, even with the same bytes, shows. */
async function stamps(dir: string): Promise<Record<string, bigint>> {
  const out: Record<string, bigint> = {};
  const walk = async (d: string, prefix: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name), `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = (await stat(join(d, e.name), { bigint: true })).mtimeNs;
    }
  };
  await walk(dir, '');
  return out;
}

describe('importing documents that are already there, unchanged', () => {
  let dataDir: string;
  let store: DocumentStore;
  let project: ProjectStore;
  beforeEach(async () => {
    dataDir = await tempDataDir();
    store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    project = await ProjectStore.open(dataDir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('when a JSONL file is imported again, then it reports every document unchanged and writes no file', async () => {
    const lines = [
      { id: 'u-1', title: 'One', text: 'First text.' },
      { id: 'u-2', title: 'Two', text: 'Second text.' },
    ];
    expect((await importFiles(store, project, file(lines), options)).documents).toEqual({ imported: 2, revised: 0, unchanged: 0 });
    await store.close();
    store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    const before = await stamps(dataDir);
    const again = await importFiles(store, project, file(lines), options);
    expect([again.committed, again.documents, again.labels]).toEqual([true, { imported: 0, revised: 0, unchanged: 2 }, { imported: 0, existing: 0 }]);
    expect(await stamps(dataDir)).toEqual(before);
  });

  test('when a line brings a new label to an unchanged document, then only that document is written, with the label', async () => {
    const doccano = { ...options, format: 'doccano' };
    await importFiles(store, project, file([{ id: 'u-1', text: 'Minister says the plan is ready.' }, { id: 'u-2', text: 'Nothing to see.' }]), doccano);
    const before = await stamps(dataDir);
    const again = await importFiles(store, project, file([{ id: 'u-1', text: 'Minister says the plan is ready.', label: [[14, 22, 'opinion']] }, { id: 'u-2', text: 'Nothing to see.' }]), doccano);
    expect([again.documents, again.labels]).toEqual([{ imported: 0, revised: 0, unchanged: 2 }, { imported: 1, existing: 0 }]);
    const after = await stamps(dataDir);
    expect(after['documents/u-2.json']).toBe(before['documents/u-2.json']);
    expect(after['documents/u-1.json']).not.toBe(before['documents/u-1.json']);
    expect((await store.getDocument('u-1'))!.labels.map((l) => [l.type, l.start, l.end])).toEqual([['opinion', 14, 22]]);
  });
});
