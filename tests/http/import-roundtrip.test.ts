import { startTestApp, snapshotDir } from '../helpers/app.js';
import { EMOJI_DOC, startLabelledApp } from '../domain/formats/labelled-corpus.js';

function binary(res: unknown, cb: (err: Error | null, body: Buffer) => void) {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

type App = Awaited<ReturnType<typeof startTestApp>>;

async function exportBytes(app: App, query: string): Promise<Buffer> {
  const res = await app.http.get(`/api/export?${query}`).buffer(true).parse(binary);
  expect(res.status).toBe(200);
  return res.body as Buffer;
}

/** Spans as they are stored, to compare two folders: document, type, UTF-16 offsets, text, attributes. */
function storedSpans(app: App) {
  return app.store
    .list()
    .map((e) => e.id)
    .sort()
    .flatMap((id) =>
      app.store
        .get(id)!
        .labels.filter((l) => l.anchor.state !== 'orphaned')
        .map((l) => [id, l.type, l.start, l.end, l.quote.exact, l.speaker, l.cue, l.sourcing, l.note].join('|'))
        .sort(),
    );
}

describe('round trips: export, import into an empty data folder, export again', () => {
  let source: App;
  beforeAll(async () => {
    source = await startLabelledApp();
  });
  afterAll(() => source.cleanup());

  test.each([
    ['jsonl', 'format=jsonl', 'application/x-ndjson'],
    ['doccano', 'format=doccano', 'application/x-ndjson'],
    ['brat (tar)', 'format=brat&archive=tar', 'application/x-tar'],
    ['brat (zip)', 'format=brat&archive=zip', 'application/zip'],
  ])('when %s is exported, imported into an empty folder and exported again, then the two exports are byte-identical', async (_name, query, contentType) => {
    const first = await exportBytes(source, query);
    const target = await startTestApp();
    const format = query.split('&')[0].split('=')[1];
    const res = await target.http.post(`/api/import?format=${format}&annotator=tester`).set('Content-Type', contentType).send(first);
    expect(res.status).toBe(200);
    expect(res.body.committed).toBe(true);
    expect(res.body.documents.imported).toBe(6);
    const second = await exportBytes(target, query);
    expect(second.equals(first)).toBe(true);
    await target.cleanup();
  });

  test('when jsonl is imported into an empty folder, then every document file is the same as in the source folder', async () => {
    const target = await startTestApp();
    await target.http.post('/api/import?format=jsonl').set('Content-Type', 'application/x-ndjson').send(await exportBytes(source, 'format=jsonl'));
    const a = await snapshotDir(source.dataDir);
    const b = await snapshotDir(target.dataDir);
    const docs = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).filter(([k]) => k.startsWith('documents/')).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    expect(docs(b)).toEqual(docs(a));
    await target.cleanup();
  });

  test.each([
    ['doccano', 'format=doccano', 'application/x-ndjson'],
    ['brat', 'format=brat', 'application/x-tar'],
  ])('when %s carries labels after emoji, then the imported labels have exactly the source offsets, text and attributes it can carry', async (format, query, contentType) => {
    const target = await startTestApp();
    await target.http.post(`/api/import?format=${format}`).set('Content-Type', contentType).send(await exportBytes(source, query));
    const emoji = target.store.get(EMOJI_DOC)!;
    const original = source.store.get(EMOJI_DOC)!;
    expect(emoji.labels.map((l) => [l.type, l.start, l.end, l.quote.exact])).toEqual(original.labels.map((l) => [l.type, l.start, l.end, l.quote.exact]));
    expect(emoji.labels.map((l) => [l.type, l.start, l.end])).toEqual([['direct-quote', 23, 47], ['opinion', 32, 41], ['reported-claim', 91, 112]]);
    await target.cleanup();
  });

  test('when brat is imported, then speaker, cue, sourcing and notes (with line breaks and tabs) come back', async () => {
    const target = await startTestApp();
    await target.http.post('/api/import?format=brat').set('Content-Type', 'application/x-tar').send(await exportBytes(source, 'format=brat'));
    expect(storedSpans(target)).toEqual(storedSpans(source));
    await target.cleanup();
  });

  test('when w3c is imported onto the same texts without labels, then the labels (ids, times, annotators, attributes) and a second export are identical', async () => {
    const w3c = await exportBytes(source, 'format=w3c');
    const target = await startTestApp({ seeds: true });
    await target.http.post('/api/import?format=jsonl').set('Content-Type', 'application/x-ndjson').send(await exportBytes(source, `format=jsonl&document=${EMOJI_DOC}&type=none`));
    const res = await target.http.post('/api/import?format=w3c').set('Content-Type', 'application/x-ndjson').send(w3c);
    expect(res.status).toBe(200);
    expect(res.body.labels.imported).toBe(8);
    expect((await exportBytes(target, 'format=w3c')).equals(w3c)).toBe(true);
    expect(storedSpans(target)).toEqual(storedSpans(source));
    await target.cleanup();
  });

  test('when the same w3c file is imported twice, then the second time adds nothing and says why', async () => {
    const target = await startTestApp();
    await target.http.post('/api/import?format=jsonl').set('Content-Type', 'application/x-ndjson').send(await exportBytes(source, `format=jsonl&document=${EMOJI_DOC}&type=none`));
    const w3c = await exportBytes(source, `format=w3c&document=${EMOJI_DOC}`);
    await target.http.post('/api/import?format=w3c').set('Content-Type', 'application/x-ndjson').send(w3c);
    const again = await target.http.post('/api/import?format=w3c').set('Content-Type', 'application/x-ndjson').send(w3c);
    expect(again.body.labels.imported).toBe(0);
    expect(again.body.skipped.map((s: { reason: string }) => s.reason)).toEqual([
      `already in document ${EMOJI_DOC} (label 00000000-0000-4000-8000-000000000007)`,
      `already in document ${EMOJI_DOC} (label 00000000-0000-4000-8000-000000000008)`,
      `already in document ${EMOJI_DOC} (label 00000000-0000-4000-8000-000000000009)`,
    ]);
    await target.cleanup();
  });
});
