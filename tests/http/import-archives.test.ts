import tar from 'tar-stream';
import { zipSync, strToU8 } from 'fflate';
import { snapshotDir, startTestApp } from '../helpers/app.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** A tar as `tar -cf corpus.tar -C corpus .` writes it: a `./` folder entry, then `./name` entries. */
async function tarOf(entries: { name: string; content?: string; type?: 'directory' }[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const e of entries) pack.entry(e.type ? { name: e.name, type: e.type } : { name: e.name }, e.content ?? '');
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

const TEXT = 'Ana said the plan works.\n';
const ANN = 'T1\tQuote 0 3\tAna\n';

describe('importing archives packed the usual ways', () => {
  let app: App;
  beforeEach(async () => {
    app = await startTestApp();
  });
  afterEach(() => app.cleanup());

  const post = (query: string, body: Buffer) => app.http.post(`/api/import?${query}`).set('Content-Type', 'application/octet-stream').send(body);

  test('when a brat tar has entries named ./x.txt and ./x.ann, then the document and its label are imported like any other', async () => {
    const body = await tarOf([{ name: './', type: 'directory' }, { name: './x.txt', content: TEXT }, { name: './x.ann', content: ANN }]);
    const res = await post('format=brat&filename=corpus.tar', body);
    expect([res.status, res.body.documents.imported, res.body.labels.imported, res.body.skipped]).toEqual([200, 1, 1, []]);
    expect(app.store.get('x')!.labels.map((l) => [l.type, l.quote.exact])).toEqual([['Quote', 'Ana']]);
    expect(app.store.get('x')!.meta.sourceFile).toBe('x.txt');
  });

  test('when every file of a zip is inside one top folder, then the folder is dropped from the names', async () => {
    const body = Buffer.from(zipSync({ 'corpus/': new Uint8Array(), 'corpus/x.txt': strToU8(TEXT), 'corpus/x.ann': strToU8(ANN) }));
    const res = await post('format=brat&filename=corpus.zip', body);
    expect([res.status, res.body.documents.imported, res.body.labels.imported]).toEqual([200, 1, 1]);
    expect(app.store.get('x')!.meta.sourceFile).toBe('x.txt');
  });

  test('when some archive entries are not imported, then each is named in the report with its reason', async () => {
    const body = await tarOf([{ name: './x.txt', content: TEXT }, { name: './x.ann', content: ANN }, { name: './.DS_Store', content: 'x' }, { name: './notes.pdf', content: '%PDF' }, { name: '../escape.txt', content: 'x' }]);
    const res = await post('format=brat&filename=corpus.tar', body);
    expect(res.status).toBe(200);
    expect(res.body.skipped).toEqual([
      { file: 'corpus.tar: .DS_Store', item: 'archive entry', reason: 'a hidden file' },
      { file: 'corpus.tar: ../escape.txt', item: 'archive entry', reason: 'a path with ".."' },
      { file: 'notes.pdf', item: 'file', reason: 'not a .txt or .ann file' },
    ]);
  });

  test('when an archive holds nothing importable, then 400 nothing_to_import names every skipped entry and nothing is written', async () => {
    const before = await snapshotDir(app.dataDir);
    const body = await tarOf([{ name: './', type: 'directory' }, { name: './.hidden.txt', content: TEXT }, { name: './__MACOSX/._x.txt', content: 'x' }, { name: './readme.md', content: '# hi' }]);
    const res = await post('format=brat&filename=corpus.tar', body);
    expect([res.status, res.body.error.code]).toEqual([400, 'nothing_to_import']);
    expect(res.body.error.message).toBe('nothing to import as brat: skipped corpus.tar: .hidden.txt (a hidden file); corpus.tar: __MACOSX/._x.txt (macOS resource data); readme.md (not a .txt or .ann file)');
    expect(await snapshotDir(app.dataDir)).toEqual(before);
  });

  test('when every record is bad and skipBad is on, then it is still a 400 nothing_to_import listing them, not an empty success', async () => {
    const before = await snapshotDir(app.dataDir);
    const res = await app.http.post('/api/import?format=jsonl&skipBad=1').set('Content-Type', 'application/x-ndjson').send('{"title": 5, "text": "x"}\nnot json\n');
    expect([res.status, res.body.error.code]).toEqual([400, 'nothing_to_import']);
    expect(res.body.error.message).toBe('nothing to import as jsonl: skipped upload.jsonl:2 (not valid JSON: Unexpected token \'o\', "not json" is not valid JSON); upload.jsonl:1 (title: Invalid input: expected string, received number)');
    expect(await snapshotDir(app.dataDir)).toEqual(before);
  });

  test('when the import page gets an archive with nothing importable, then it answers 400 and says which entries were skipped', async () => {
    const body = await tarOf([{ name: 'readme.md', content: '# hi' }]);
    const res = await app.http.post('/import').field('format', 'brat').attach('file', body, 'corpus.tar');
    expect(res.status).toBe(400);
    expect(res.text).toContain('nothing to import as brat: skipped readme.md (not a .txt or .ann file)');
  });
});
