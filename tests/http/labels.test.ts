import { FIRST_SEED, readDocFile, snapshotDir, startTestApp } from '../helpers/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
let text: string;
const PHRASE = 'rest, refit, regroup, reattack';
const url = `/api/documents/${FIRST_SEED}/labels`;

beforeEach(async () => {
  t = await startTestApp({ seeds: true });
  text = (await t.http.get(`/api/documents/${FIRST_SEED}`)).body.text;
});
afterEach(() => t.cleanup());

const phraseStart = () => text.indexOf(PHRASE);

describe('POST /api/documents/:id/labels', () => {
  test('when a span is posted, then the label is stored on disk with offsets, a 32-character quote selector and an event', async () => {
    const start = phraseStart();
    const res = await (await t.as('ada', 'editor')).post(url).send({ start, end: start + PHRASE.length, type: 'direct-quote', rev: 1, speaker: 'Antony Blinken', cue: 'warning', sourcing: 'named' }).expect(201);
    expect(res.body).toMatchObject({
      type: 'direct-quote', start: 158, end: 188, rev: 1, speaker: 'Antony Blinken', cue: 'warning', sourcing: 'named', annotator: 'ada',
      quote: { exact: PHRASE, prefix: 'Ukraine that would allow it to “', suffix: '.”\n\nBlinken, speaking at The Wal' },
      anchor: { state: 'exact', method: 'created', fromRev: 1 },
    });
    expect(res.body.quote.prefix).toHaveLength(32);
    const disk = await readDocFile(t.dataDir, FIRST_SEED);
    expect(disk.labels).toEqual([res.body]);
    expect(disk.events.at(-1)).toMatchObject({ kind: 'label.created', actor: 'ada', labelId: res.body.id, after: res.body });
  });

  test('when snap is asked, then a ragged selection grows to whole words and loses surrounding spaces', async () => {
    const start = phraseStart();
    const res = await t.http.post(url).send({ start: start + 2, end: start + PHRASE.length - 3, type: 'opinion', rev: 1, snap: true }).expect(201);
    expect([res.body.start, res.body.end, res.body.quote.exact]).toEqual([start, start + PHRASE.length, PHRASE]);
  });

  test('when the selection crosses paragraphs, then the label spans them', async () => {
    const start = text.indexOf('reattack.”\n\nBlinken');
    const res = await t.http.post(url).send({ start, end: start + 'reattack.”\n\nBlinken'.length, type: 'reported-claim', rev: 1 }).expect(201);
    expect(res.body.quote.exact).toBe('reattack.”\n\nBlinken');
  });

  test('when spans overlap and nest, then both are kept', async () => {
    const start = phraseStart();
    await t.http.post(url).send({ start: 0, end: start + PHRASE.length + 2, type: 'opinion', rev: 1 }).expect(201);
    await t.http.post(url).send({ start, end: start + PHRASE.length, type: 'direct-quote', rev: 1 }).expect(201);
    expect((await readDocFile(t.dataDir, FIRST_SEED)).labels.map((l) => [l.type, l.start, l.end])).toEqual([['opinion', 0, 190], ['direct-quote', 158, 188]]);
  });

  test('when an emoji precedes the span, then offsets count UTF-16 units and a span splitting the emoji is refused', async () => {
    const doc = await t.http.post('/api/documents').send({ text: 'Wow 🎉 he said “yes”.' }).expect(201);
    const u = `/api/documents/${doc.body.id}/labels`;
    const ok = await t.http.post(u).send({ start: 15, end: 20, type: 'direct-quote', rev: 1 }).expect(201);
    expect(ok.body.quote.exact).toBe('“yes”');
    const bad = await t.http.post(u).send({ start: 5, end: 9, type: 'direct-quote', rev: 1 }).expect(400);
    expect(bad.body.error).toEqual({ code: 'invalid_span', message: 'the span splits a character (a surrogate pair) in two' });
  });

  test.each([
    ['offsets outside the text', { start: 10, end: 999999, type: 'opinion', rev: 1 }, 400, 'invalid_span', /^the span 10-999999 is outside the text \(0-\d+\)$/],
    ['start equal to end', { start: 10, end: 10, type: 'opinion', rev: 1 }, 400, 'invalid_span', /^start \(10\) must be before end \(10\)$/],
    ['start after end', { start: 20, end: 10, type: 'opinion', rev: 1 }, 400, 'invalid_span', /^start \(20\) must be before end \(10\)$/],
    ['a negative start', { start: -1, end: 10, type: 'opinion', rev: 1 }, 400, 'invalid_input', /^start: must not be negative$/],
    ['a fractional offset', { start: 1.5, end: 10, type: 'opinion', rev: 1 }, 400, 'invalid_input', /^start: must be a whole number$/],
    ['an unknown type', { start: 0, end: 10, type: 'rumour', rev: 1 }, 400, 'unknown_type', /^unknown label type "rumour"; known types: direct-quote, reported-claim, opinion$/],
    ['a stale rev', { start: 0, end: 10, type: 'opinion', rev: 7 }, 409, 'conflict', /^revision 7 is not the latest; the document is at revision 1: reload it$/],
    ['no rev', { start: 0, end: 10, type: 'opinion' }, 400, 'invalid_input', /^rev: /],
    ['a speaker over 200 characters', { start: 0, end: 10, type: 'opinion', rev: 1, speaker: 'x'.repeat(201) }, 400, 'invalid_input', /^speaker: must be at most 200 characters$/],
    ['a note over 5000 characters', { start: 0, end: 10, type: 'opinion', rev: 1, note: 'x'.repeat(5001) }, 400, 'invalid_input', /^note: must be at most 5000 characters$/],
    ['a cue with a control character', { start: 0, end: 10, type: 'opinion', rev: 1, cue: 'sa\u0007id' }, 400, 'invalid_input', /^cue: contains control characters$/],
    ['a speaker with a lone surrogate', { start: 0, end: 10, type: 'opinion', rev: 1, speaker: 'A\ud800B' }, 400, 'invalid_input', /^speaker: contains an unpaired surrogate/],
    ['an unknown sourcing', { start: 0, end: 10, type: 'opinion', rev: 1, sourcing: 'rumoured' }, 400, 'invalid_input', /^sourcing: /],
    ['an unknown field', { start: 0, end: 10, type: 'opinion', rev: 1, colour: 'red' }, 400, 'invalid_input', /colour/],
    ['a whitespace-only span', { start: 188 + 2, end: 188 + 4, type: 'opinion', rev: 1 }, 400, 'invalid_span', /^the span holds only whitespace$/],
  ])('when the label has %s, then it is refused and the file is unchanged', async (_what, body, status, code, message) => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.post(url).send(body).expect(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(message);
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when the rev is stale, then the 409 names the latest rev', async () => {
    const res = await t.http.post(url).send({ start: 0, end: 10, type: 'opinion', rev: 2 }).expect(409);
    expect(res.body.error.details).toEqual({ latestRev: 1 });
  });

  test('when the document does not exist, then it is a 404 and nothing is written', async () => {
    const before = await snapshotDir(t.dataDir);
    await t.http.post('/api/documents/nope/labels').send({ start: 0, end: 10, type: 'opinion', rev: 1 }).expect(404);
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });
});

describe('PATCH, DELETE and restore', () => {
  let id: string;
  beforeEach(async () => {
    const start = phraseStart();
    id = (await (await t.as('ada', 'editor')).post(url).send({ start, end: start + PHRASE.length, type: 'direct-quote', rev: 1, speaker: 'Blinken' }).expect(201)).body.id;
  });

  test('when a label is re-typed and its attributes changed, then the file and the trail record before and after', async () => {
    const res = await (await t.as('bo', 'editor')).patch(`${url}/${id}`).send({ type: 'reported-claim', speaker: 'Antony Blinken', cue: 'warned', sourcing: 'named' }).expect(200);
    expect(res.body).toMatchObject({ type: 'reported-claim', speaker: 'Antony Blinken', cue: 'warned', sourcing: 'named', annotator: 'ada', start: 158, end: 188 });
    const disk = await readDocFile(t.dataDir, FIRST_SEED);
    expect(disk.labels).toEqual([res.body]);
    expect(disk.events.at(-1)).toMatchObject({ kind: 'label.updated', actor: 'bo', labelId: id, before: { type: 'direct-quote', speaker: 'Blinken' }, after: { type: 'reported-claim', speaker: 'Antony Blinken' } });
  });

  test('when an attribute is set to the empty string, then it is removed', async () => {
    const res = await t.http.patch(`${url}/${id}`).send({ speaker: '' }).expect(200);
    expect(res.body).not.toHaveProperty('speaker');
  });

  test('when the boundaries change, then offsets and quote follow', async () => {
    const start = phraseStart();
    const res = await t.http.patch(`${url}/${id}`).send({ start: start - 1, end: start + PHRASE.length + 2, rev: 1 }).expect(200);
    expect(res.body.quote.exact).toBe('“rest, refit, regroup, reattack.”');
    expect(res.body.anchor).toEqual({ state: 'exact', method: 'edited', fromRev: 1 });
  });

  test.each([
    ['offsets without rev', { start: 1, end: 5 }, 400, /^rev: changing start\/end needs the rev they refer to$/],
    ['an unknown type', { type: 'gossip' }, 400, /^unknown label type "gossip"/],
    ['offsets past the end', { start: 1, end: 10 ** 7, rev: 1 }, 400, /is outside the text/],
    ['a stale rev', { start: 1, end: 5, rev: 3 }, 409, /^revision 3 is not the latest/],
  ])('when the patch has %s, then it is refused and the file is unchanged', async (_what, body, status, message) => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.patch(`${url}/${id}`).send(body).expect(status);
    expect(res.body.error.message).toMatch(message);
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when the label id is unknown, then PATCH and DELETE are 404 and the file is unchanged', async () => {
    const before = await snapshotDir(t.dataDir);
    expect((await t.http.patch(`${url}/nope`).send({ speaker: 'x' }).expect(404)).body.error.message).toBe(`no label with id "nope" in document "${FIRST_SEED}"`);
    await t.http.delete(`${url}/nope`).expect(404);
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when a label is deleted and then restored, then it comes back exactly and both steps are in the trail', async () => {
    const original = (await readDocFile(t.dataDir, FIRST_SEED)).labels[0];
    const del = await t.http.delete(`${url}/${id}`).expect(200);
    expect(del.body.deleted).toEqual(original);
    expect((await readDocFile(t.dataDir, FIRST_SEED)).labels).toEqual([]);
    const restored = await t.http.post(`${url}/${id}/restore`).expect(201);
    expect({ ...restored.body, updatedAt: original.updatedAt }).toEqual(original);
    const disk = await readDocFile(t.dataDir, FIRST_SEED);
    expect(disk.labels).toHaveLength(1);
    expect(disk.events.map((e) => e.kind).slice(-3)).toEqual(['label.created', 'label.deleted', 'label.restored']);
    await t.http.post(`${url}/${id}/restore`).expect(409);
  });
});

describe('escaping', () => {
  test('when every field holds markup, then every page shows it as text', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const doc = await t.http.post('/api/documents').send({ text: `He said ${evil} loudly.`, title: evil, outlet: evil, author: evil }).expect(201);
    await t.http.post(`/api/documents/${doc.body.id}/labels`).send({ start: 3, end: 36, type: 'opinion', rev: 1, speaker: evil, cue: evil, note: evil }).expect(201);
    for (const page of ['/', `/documents/${doc.body.id}`, `/documents/${doc.body.id}/fragment`]) {
      const res = await t.http.get(page).expect(200);
      const html = page.endsWith('fragment') ? res.body.article + res.body.panel : res.text;
      expect(html).not.toContain(evil);
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });
});

describe('without JavaScript', () => {
  test('when the quote form names the second occurrence, then the label lands on it and the browser is sent back to the editor', async () => {
    const second = text.indexOf(PHRASE, phraseStart() + 1);
    const res = await t.http.post(`/documents/${FIRST_SEED}/labels`).type('form').send({ exact: PHRASE, occurrence: '2', type: 'direct-quote', rev: '1', speaker: 'Antony Blinken', cue: '', sourcing: 'named', note: '' }).expect(303);
    const [label] = (await readDocFile(t.dataDir, FIRST_SEED)).labels;
    expect(res.headers.location).toBe(`/documents/${FIRST_SEED}#label-${label.id}`);
    expect([label.start, label.end, label.speaker, label.sourcing, label.cue]).toEqual([second, second + PHRASE.length, 'Antony Blinken', 'named', undefined]);
  });

  test('when the quoted words occur fewer times than asked, then an HTML 400 page says how many there are and nothing is stored', async () => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.post(`/documents/${FIRST_SEED}/labels`).type('form').send({ exact: PHRASE, occurrence: '3', type: 'direct-quote', rev: '1' }).expect(400);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('the words “rest, refit, regroup, reattack” occur 2 times; there is no occurrence 3');
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when the edit and delete forms are posted, then the label changes and then goes', async () => {
    const start = phraseStart();
    const { id } = (await t.http.post(url).send({ start, end: start + PHRASE.length, type: 'direct-quote', rev: 1 }).expect(201)).body;
    await t.http.post(`/documents/${FIRST_SEED}/labels/${id}`).type('form').send({ type: 'opinion', speaker: 'Blinken', cue: 'said', sourcing: '', note: 'n' }).expect(303);
    expect((await readDocFile(t.dataDir, FIRST_SEED)).labels[0]).toMatchObject({ type: 'opinion', speaker: 'Blinken', cue: 'said', note: 'n' });
    await t.http.post(`/documents/${FIRST_SEED}/labels/${id}/delete`).type('form').send({}).expect(303);
    expect((await readDocFile(t.dataDir, FIRST_SEED)).labels).toEqual([]);
  });

  test('when the editor is fetched, then the labelled text and the list are in the HTML itself', async () => {
    const start = phraseStart();
    const { id } = (await t.http.post(url).send({ start, end: start + PHRASE.length, type: 'direct-quote', rev: 1, speaker: 'Antony Blinken' }).expect(201)).body;
    const page = await t.http.get(`/documents/${FIRST_SEED}`).expect(200);
    expect(page.text).toContain(`<span class="hl t-direct-quote lane-0" data-label="${id}" data-layer="admin"><span class="tx" data-start="${start}">${PHRASE}</span></span>`);
    expect(page.text).toContain('<dd class="speaker">Antony Blinken</dd>');
  });

  test('when a span is changed with snap, then the new span grows to whole words', async () => {
    const start = phraseStart();
    const { id } = (await t.http.post(url).send({ start, end: start + 4, type: 'direct-quote', rev: 1 }).expect(201)).body;
    const res = await t.http.patch(`${url}/${id}`).send({ start: start + 1, end: start + 8, rev: 1, snap: true }).expect(200);
    expect(res.body.quote.exact).toBe('rest, refit');
  });
});
