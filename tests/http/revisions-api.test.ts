import { startTestApp, readDocFile, snapshotDir, FIRST_SEED } from '../helpers/app.js';
import { makeLabel } from '../../server/domain/labels.js';
import { latestRevision } from '../../server/domain/types.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
const NOW = '2026-03-01T10:00:00.000Z';

/** Puts a label on the `occurrence`-th copy of `exact` in the latest text of the document. */
async function labelText(t: TestApp, docId: string, id: string, exact: string, type = 'direct-quote') {
  await t.store.update(docId, (d) => {
    const start = latestRevision(d).text.indexOf(exact);
    if (start === -1) throw new Error(`"${exact}" is not in ${docId}`);
    d.labels.push(makeLabel(d, { id, type, start, end: start + exact.length }, 'tester', NOW));
  });
}

async function createDoc(t: TestApp, text: string): Promise<string> {
  const res = await t.http.post('/api/documents').send({ title: 'Test', text }).expect(201);
  return res.body.id as string;
}

describe('PUT /api/documents/:id/text', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterEach(() => t.cleanup());

  test('when a typo inside a quote is fixed, then a revision is created and the report lists the label for review', async () => {
    const id = await createDoc(t, 'The minister spoke.\nShe said "the goverment will act".\nCritics disagreed.');
    await labelText(t, id, 'q1', 'the goverment will act');
    await labelText(t, id, 'c1', 'Critics disagreed.', 'opinion');

    const res = await (await t.as('editor-ann', 'editor'))
      .put(`/api/documents/${id}/text`)
      .send({ text: 'The minister spoke.\nShe said "the government will act".\nCritics disagreed.', baseRev: 1, message: 'typo' })
      .expect(201);

    expect(res.headers.location).toBe(`/api/documents/${id}/revisions/2`);
    expect(res.body.created).toBe(true);
    expect(res.body.rev).toBe(2);
    expect(res.body.report.counts).toEqual({ exact: 0, moved: 1, fuzzy: 1, orphaned: 0 });
    expect(Object.keys(res.body).sort()).toEqual(['created', 'id', 'meta', 'report', 'rev']); // not the text and labels again
    expect(res.body.report.needsReview).toEqual([
      { id: 'q1', type: 'direct-quote', state: 'fuzzy', method: 'quote-approx', score: res.body.report.needsReview[0].score, oldStart: 30, oldEnd: 52, oldExact: 'the goverment will act', start: 30, end: 53, exact: 'the government will act' },
    ]);
    expect(res.body.report.needsReview[0].score).toBeGreaterThan(0.9);

    const file = await readDocFile(t.dataDir, id);
    expect(file.revisions.map((r) => [r.rev, r.author, r.message])).toEqual([[1, 'admin', 'Imported'], [2, 'editor-ann', 'typo']]);
    expect(file.revisions[1].text).toBe('The minister spoke.\nShe said "the government will act".\nCritics disagreed.');
    expect(file.revisions[0].labels!.map((l) => [l.id, l.start, l.end, l.rev])).toEqual([['q1', 30, 52, 1], ['c1', 55, 73, 1]]);
    expect(file.revisions[1].labels).toBeUndefined();
    expect(file.labels.map((l) => [l.id, l.start, l.end, l.rev, l.anchor])).toEqual([
      ['q1', 30, 53, 2, { state: 'fuzzy', method: 'quote-approx', score: res.body.report.needsReview[0].score, fromRev: 1 }],
      ['c1', 56, 74, 2, { state: 'moved', method: 'diff', fromRev: 1 }],
    ]);
    expect(file.labels[0].quote).toEqual({ exact: 'the government will act', prefix: 'The minister spoke.\nShe said "', suffix: '".\nCritics disagreed.' });
    expect(file.events.slice(-3).map((e) => [e.kind, e.actor, e.rev, e.labelId])).toEqual([
      ['revision.created', 'editor-ann', 2, undefined],
      ['label.reanchored', 'editor-ann', 2, 'q1'],
      ['label.reanchored', 'editor-ann', 2, 'c1'],
    ]);
    expect(file.events.at(-1)!.before).toEqual({ type: 'opinion', start: 55, end: 73, rev: 1, exact: 'Critics disagreed.', anchor: { state: 'exact', method: 'created', fromRev: 1 } });
  });

  test('when the text is identical after normalisation, then no revision is created and nothing is written', async () => {
    const before = await snapshotDir(t.dataDir);
    const text = (await t.http.get(`/api/documents/${FIRST_SEED}`).expect(200)).body.text as string;

    const res = await t.http.put(`/api/documents/${FIRST_SEED}/text`).send({ text: text.replace(/\n/g, '\r\n'), baseRev: 1 }).expect(200);

    expect(res.body.created).toBe(false);
    expect(res.body.rev).toBe(1);
    expect(res.body.report.counts).toEqual({ exact: 0, moved: 0, fuzzy: 0, orphaned: 0 });
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when baseRev is stale, then 409 names the latest revision and nothing changes', async () => {
    await t.http.put(`/api/documents/${FIRST_SEED}/text`).send({ text: 'Version two.', baseRev: 1 }).expect(201);
    const before = await snapshotDir(t.dataDir);

    const res = await t.http.put(`/api/documents/${FIRST_SEED}/text`).send({ text: 'Version three.', baseRev: 1 }).expect(409);

    expect(res.body).toEqual({
      error: { code: 'conflict', message: 'the text was revised meanwhile: you edited revision 1, the latest is revision 2', details: { latestRev: 2 } },
    });
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when two revisions race on the same baseRev, then exactly one is created and the other is a 409', async () => {
    const [a, b] = await Promise.all([
      t.http.put(`/api/documents/${FIRST_SEED}/text`).send({ text: 'Racer A.', baseRev: 1 }),
      t.http.put(`/api/documents/${FIRST_SEED}/text`).send({ text: 'Racer B.', baseRev: 1 }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const file = await readDocFile(t.dataDir, FIRST_SEED);
    expect(file.revisions.map((r) => r.rev)).toEqual([1, 2]);
    expect(file.revisions[1].text).toBe(a.status === 201 ? 'Racer A.' : 'Racer B.');
  });

  test.each([
    ['the text is missing', 400, 'invalid_input', 'text: is required: the full new text of the document', { baseRev: 1 }],
    ['the text is not a string', 400, 'invalid_input', 'text: must be a string', { text: 42 }],
    ['the text is only whitespace', 400, 'missing_text', '"text" is empty: a revision needs some text', { text: ' \n\t ' }],
    ['the text has a lone surrogate', 400, 'invalid_text', '"text" contains an unpaired surrogate (invalid Unicode)', { text: 'bad \ud800 text' }],
    ['the text has a NUL', 400, 'invalid_text', '"text" contains a control character (U+0000) at position 4', { text: 'bad \u0000 text' }],
    ['baseRev is not a number', 400, 'invalid_input', 'baseRev: must be the revision number you edited', { text: 'x', baseRev: 'one' }],
    ['baseRev is a fraction', 400, 'invalid_input', 'baseRev: must be a whole number', { text: 'x', baseRev: 1.5 }],
    ['an unknown field is sent', 400, 'invalid_input', 'request body: Unrecognized key: "rev"', { text: 'x', rev: 1 }],
    ['the message is too long', 400, 'invalid_input', 'message: must be at most 500 characters', { text: 'x', message: 'm'.repeat(501) }],
    ['the text is over the limit', 413, 'too_large', '"text" is 2,000,001 characters; the limit is 2,000,000', { text: 'a'.repeat(2_000_001) }],
  ])('when %s, then it is a %i and the data folder is unchanged', async (_what, status, code, message, body) => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.put(`/api/documents/${FIRST_SEED}/text`).send(body).expect(status);
    expect(res.body.error).toEqual({ code, message });
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when the document does not exist, then 404', async () => {
    const res = await t.http.put('/api/documents/no-such-doc/text').send({ text: 'x' }).expect(404);
    expect(res.body.error).toEqual({ code: 'not_found', message: 'no document with id "no-such-doc"' });
  });
});

describe('GET revisions and diff', () => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await startTestApp();
    id = await createDoc(t, 'Alpha said "we will win". Beta said "we will win" too.\nGamma stayed silent.');
    await labelText(t, id, 'alpha', 'we will win');
    await labelText(t, id, 'gamma', 'Gamma stayed silent.', 'opinion');
    await (await t.as('ed', 'editor')).put(`/api/documents/${id}/text`).send({ text: 'Alpha said "we will win". Beta said "we will lose" too.', baseRev: 1, message: 'second' }).expect(201);
  });
  afterAll(() => t.cleanup());

  test('when the revisions are listed, then each has its number, author, message, length and label count', async () => {
    const res = await t.http.get(`/api/documents/${id}/revisions`).expect(200);
    expect(res.body.map((r: Record<string, unknown>) => ({ ...r, createdAt: typeof r.createdAt }))).toEqual([
      { rev: 1, createdAt: 'string', author: 'admin', message: 'Imported', length: 75, labelCount: 2, latest: false },
      { rev: 2, createdAt: 'string', author: 'ed', message: 'second', length: 55, labelCount: 2, latest: true },
    ]);
  });

  test('when an old revision is fetched, then it has its text and the labels as they were then', async () => {
    const res = await t.http.get(`/api/documents/${id}/revisions/1`).expect(200);
    expect(res.body.text).toBe('Alpha said "we will win". Beta said "we will win" too.\nGamma stayed silent.');
    expect(res.body.labels.map((l: { id: string; start: number; end: number; rev: number }) => [l.id, l.start, l.end, l.rev])).toEqual([['alpha', 12, 23, 1], ['gamma', 55, 75, 1]]);
    expect(res.body.report).toBeNull();
  });

  test('when the latest revision is fetched, then it carries its re-anchoring report', async () => {
    const res = await t.http.get(`/api/documents/${id}/revisions/2`).expect(200);
    expect(res.body.report).toMatchObject({ fromRev: 1, counts: { exact: 1, moved: 0, fuzzy: 0, orphaned: 1 }, needsReview: [], orphaned: [{ id: 'gamma', oldExact: 'Gamma stayed silent.', start: 55, end: 55 }] });
  });

  test('when the diff is asked for, then it has word-level parts, both label sets and the label changes', async () => {
    const res = await t.http.get(`/api/documents/${id}/diff?from=1&to=2`).expect(200);
    expect(res.body.precision).toBe('words');
    expect(res.body.parts).toEqual([
      { op: 'equal', text: 'Alpha said "we will win". Beta said "we will ', oldStart: 0, newStart: 0 },
      { op: 'delete', text: 'win', oldStart: 45, newStart: 45 },
      { op: 'insert', text: 'lose', oldStart: 48, newStart: 45 },
      { op: 'equal', text: '" too.', oldStart: 48, newStart: 49 },
      { op: 'delete', text: '\nGamma stayed silent.', oldStart: 54, newStart: 55 },
    ]);
    expect(res.body.labelChanges).toEqual([
      { id: 'gamma', kinds: ['orphaned'], from: { type: 'opinion', start: 55, end: 75, exact: 'Gamma stayed silent.', state: 'exact' }, to: { type: 'opinion', start: 55, end: 55, exact: 'Gamma stayed silent.', state: 'orphaned' } },
    ]);
    expect(res.body.labels.from.map((l: { id: string }) => l.id)).toEqual(['alpha', 'gamma']);
  });

  test.each([
    ['/revisions/abc', 400, 'invalid_rev', 'rev must be a revision number (1 to 2), not "abc"'],
    ['/revisions/0', 404, 'not_found', 'document "ID" has no revision 0; its revisions are 1 to 2'],
    ['/revisions/3', 404, 'not_found', 'document "ID" has no revision 3; its revisions are 1 to 2'],
    ['/diff?from=x&to=2', 400, 'invalid_rev', 'from must be a revision number (1 to 2), not "x"'],
    ['/diff?from=1&to=9', 404, 'not_found', 'document "ID" has no revision 9; its revisions are 1 to 2'],
    ['/diff?from=-1', 400, 'invalid_rev', 'from must be a revision number (1 to 2), not "-1"'],
  ])('when GET %s, then %i with a clear message', async (path, status, code, message) => {
    const res = await t.http.get(`/api/documents/${id}${path}`).expect(status);
    expect(res.body.error).toEqual({ code, message: message.replace('ID', id) });
  });
});
