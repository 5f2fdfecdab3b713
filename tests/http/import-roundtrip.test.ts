import { startTestApp } from '../helpers/app.js';
import { EMOJI_DOC, QUESTIONS, startLabelledApp } from '../domain/formats/labelled-corpus.js';

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
    ['doccano', 'format=doccano', 'application/x-ndjson'],
    ['labelstudio', 'format=labelstudio', 'application/octet-stream'],
    ['brat (tar)', 'format=brat&archive=tar', 'application/x-tar'],
    ['brat (zip)', 'format=brat&archive=zip', 'application/zip'],
  ])('when %s is exported, imported into an empty folder and exported again, then the two exports are byte-identical', async (_name, query, contentType) => {
    const first = await exportBytes(source, query);
    const target = await startTestApp();
    await target.http.put('/api/questions').send({ questions: QUESTIONS }).expect(200); // the same project questions: the answers come back too
    const format = query.split('&')[0].split('=')[1];
    const res = await target.http.post(`/api/import?format=${format}&annotator=tester`).set('Content-Type', contentType).send(first);
    expect([res.status, res.body.error]).toEqual([200, undefined]);
    expect(res.body.committed).toBe(true);
    expect(res.body.documents.imported).toBe(6);
    if (!format.startsWith('brat')) expect(res.body.answers).toEqual({ imported: 7, existing: 0 });
    const second = await exportBytes(target, query);
    expect(second.equals(first)).toBe(true);
    await target.cleanup();
  });

  test('when jsonl is imported into an empty folder, then texts, meta and labels are the same, and the history is the importer\'s with the file\'s authors and times kept as claims', async () => {
    const first = await exportBytes(source, 'format=jsonl');
    const target = await startTestApp();
    await target.http.put('/api/questions').send({ questions: QUESTIONS }).expect(200);
    const res = await target.http.post('/api/import?format=jsonl&annotator=tester').set('Content-Type', 'application/x-ndjson').send(first);
    expect([res.status, res.body.documents.imported, res.body.answers]).toEqual([200, 6, { imported: 7, existing: 0 }]);
    const lines = (b: Buffer) => b.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const before = lines(first);
    const after = lines(await exportBytes(target, 'format=jsonl'));
    // Speaker entities are resolved on import (speakerId), which the source folder's labels were not.
    const plain = (labels: Record<string, unknown>[]) => labels.map(({ speakerId: _s, speakerAs: _a, ...l }) => l);
    expect(after.map((d) => [d.id, d.text, d.meta, plain(d.labels)])).toEqual(before.map((d) => [d.id, d.text, d.meta, plain(d.labels)]));
    // answers come back with their annotators (gold included); the time is the import's
    const answers = (ls: Record<string, any>[]) => ls.map((d) => (d.answers ?? []).map(({ at: _at, ...a }: Record<string, unknown>) => a));
    expect(answers(after)).toEqual(answers(before));
    expect(answers(before).flat()).toHaveLength(7);
    for (const [i, d] of after.entries()) {
      const at = d.events[d.events.length - 1].at as string;
      expect(d.revisions).toEqual(before[i].revisions.map((r: Record<string, string>) => ({ ...r, author: 'admin', createdAt: at, importedFrom: { author: r.author, at: r.createdAt } })));
      expect(d.events).toEqual([
        ...before[i].events.map((e: Record<string, string>) => ({ ...e, actor: 'admin', at, importedFrom: { author: e.actor, at: e.at } })),
        { at, actor: 'admin', kind: 'document.imported', rev: d.rev, after: { format: 'jsonl', file: 'upload.jsonl' } },
      ]);
    }
    // Imported again elsewhere, the first claims stay: a claim is never re-attributed to an importer.
    const third = await startTestApp();
    await third.http.post('/api/import?format=jsonl').set('Content-Type', 'application/x-ndjson').send(await exportBytes(target, 'format=jsonl'));
    const again = lines(await exportBytes(third, 'format=jsonl'));
    expect(again.map((d) => d.revisions.map((r: { importedFrom: unknown }) => r.importedFrom))).toEqual(before.map((d) => d.revisions.map((r: Record<string, string>) => ({ author: r.author, at: r.createdAt }))));
    await target.cleanup();
    await third.cleanup();
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
    // document answers (motivation "assessing") are reported, not imported, from W3C files
    expect(res.body.skipped.filter((x: { reason: string }) => x.reason.startsWith('a document-level answer'))).toHaveLength(7);
    const labelLines = (b: Buffer) => b.toString('utf8').split('\n').filter((l) => !l.includes('"motivation":"assessing"')).join('\n');
    expect(labelLines(await exportBytes(target, 'format=w3c'))).toBe(labelLines(w3c));
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
    expect(again.body.skipped.map((s: { reason: string }) => s.reason).filter((r: string) => !r.startsWith('a document-level answer'))).toEqual([
      `already in document ${EMOJI_DOC} (label 00000000-0000-4000-8000-000000000007)`,
      `already in document ${EMOJI_DOC} (label 00000000-0000-4000-8000-000000000008)`,
      `already in document ${EMOJI_DOC} (label 00000000-0000-4000-8000-000000000009)`,
    ]);
    await target.cleanup();
  });
});
