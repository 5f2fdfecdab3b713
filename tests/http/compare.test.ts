import { randomUUID } from 'node:crypto';
import { startTestApp, snapshotDir } from '../helpers/app.js';
import { makeLabel, type NewLabel } from '../../server/domain/labels.js';
import type { DocumentStore } from '../../server/store/document-store.js';

const BLINKEN_1 = '000_b5b79bfe33936fda';
const TURAN = '001_b1fe9c773694e9ae';
const GUN = '002_f9b24e5332cffdf2';

type Json = Record<string, any>;
const spans = (c: Json) => c.renderings.map((r: Json) => [r.documentId, r.start, r.end, r.text]);

async function addLabel(store: DocumentStore, docId: string, input: Omit<NewLabel, 'id'>): Promise<string> {
  const id = randomUUID();
  await store.update(docId, (d) => {
    d.labels.push(makeLabel(d, { id, ...input }, 'tester', '2026-01-01T00:00:00.000Z'));
  });
  return id;
}

describe('GET /api/compare on the seeds', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeEach(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterEach(() => t.cleanup());

  test('when no label exists, then the Blinken "rest, refit" line of the first two articles is the one statement carried across documents', async () => {
    const res = await t.http.get('/api/compare').expect(200);
    expect(res.body.map(spans)).toEqual([
      [
        [BLINKEN_1, 158, 188, 'rest, refit, regroup, reattack'],
        [BLINKEN_1, 738, 768, 'rest, refit, regroup, reattack'],
        [TURAN, 635, 672, 'rest, refit, and eventually re-attack'],
      ],
    ]);
    const c = res.body[0];
    expect({ documentCount: c.documentCount, renderingCount: c.renderingCount, labelledCount: c.labelledCount, outlets: c.outlets, firstDate: c.firstDate }).toEqual({
      documentCount: 2, renderingCount: 3, labelledCount: 0, outlets: ['TURAN'], firstDate: '2022-12-06',
    });
    expect(c.url).toBe(`/compare/${c.id}`);
    expect(c.renderings.map((r: Json) => [r.isReference, r.kind, r.quoted, r.label])).toEqual([
      [true, 'verbatim', true, null],
      [false, 'verbatim', true, null],
      [false, 'altered', true, null],
    ]);
  });

  test('when the TURAN rendering is diffed against the reference, then the diff is exact', async () => {
    const [c] = (await t.http.get('/api/compare').expect(200)).body;
    const turan = c.renderings.find((r: Json) => r.documentId === TURAN);
    expect(turan.diff).toEqual([
      { op: 'same', text: 'rest, refit, ' },
      { op: 'removed', text: 'regroup, ' },
      { op: 'added', text: 'and eventually ' },
      { op: 'same', text: 're-attack' },
    ]);
    expect(turan.similarity).toBe(0.667);
    expect(turan.context).toEqual({
      start: 569,
      end: 765,
      text: '“His imperial ambitions remain, and what he will seek to do is to rest, refit, and eventually re-attack,” he said of Putin, calling for an “adequate deterrent in place so that he doesn’t do that”.',
    });
  });

  test('when repeats inside one document are included, then the third article\'s two "gun pointed at Ukraine\'s head" renderings are one statement with an exact diff', async () => {
    const res = await t.http.get('/api/compare?minDocuments=1').expect(200);
    const gun = res.body.filter((c: Json) => c.renderings.some((r: Json) => r.text.includes('gun pointed')));
    expect(gun.map(spans)).toEqual([
      [
        [GUN, 343, 483, "it's very hard to make actual progress in any of these areas in an atmosphere of escalation and threat, with a gun pointed at Ukraine's head"],
        [GUN, 1604, 1743, 'It’s very hard to make actual progress in any of these areas in an atmosphere of escalation and threat with a gun pointed to Ukraine’s head'],
      ],
    ]);
    expect(gun[0].documentCount).toBe(1);
    expect(gun[0].renderings[1].diff).toEqual([
      { op: 'same', text: 'It’s very hard to make actual progress in any of these areas in an atmosphere of escalation and threat with a gun pointed ' },
      { op: 'removed', text: 'at ' },
      { op: 'added', text: 'to ' },
      { op: 'same', text: 'Ukraine’s head' },
    ]);
  });

  test('when sentences merely share "the United States" or "Vladimir Putin", then no statement holds them', async () => {
    const res = await t.http.get('/api/compare?minDocuments=1').expect(200);
    const texts = res.body.flatMap((c: Json) => c.renderings.map((r: Json) => r.context.text));
    expect(texts.filter((s: string) => /United States|Vladimir Putin/.test(s))).toEqual([]);
  });

  test('when the app restarts on the same data, then statement ids are the same', async () => {
    const before = (await t.http.get('/api/compare?minDocuments=1').expect(200)).body.map((c: Json) => c.id);
    const again = await startTestApp({ dataDir: t.dataDir });
    const after = (await again.http.get('/api/compare?minDocuments=1').expect(200)).body.map((c: Json) => c.id);
    expect(after).toEqual(before);
    expect(before).toHaveLength(6);
    await again.http.get(`/api/compare/${before[0]}`).expect(200);
  });

  test('when renderings carry labels, then each shows its label and the filters by speaker, outlet and type find the statement', async () => {
    await addLabel(t.store, BLINKEN_1, { type: 'direct-quote', start: 158, end: 188, speaker: 'Antony Blinken', cue: 'warning', sourcing: 'named' });
    await addLabel(t.store, TURAN, { type: 'reported-claim', start: 635, end: 672, speaker: 'Antony Blinken', cue: 'said', sourcing: 'named' });
    const [c] = (await t.http.get('/api/compare?speaker=antony%20blinken').expect(200)).body;
    expect(c.speakers).toEqual(['Antony Blinken']);
    expect(c.types).toEqual(['direct-quote', 'reported-claim']);
    expect(c.renderings.map((r: Json) => r.label && [r.label.type, r.label.start, r.label.end, r.label.speaker, r.label.cue, r.label.sourcing])).toEqual([
      ['direct-quote', 158, 188, 'Antony Blinken', 'warning', 'named'],
      null,
      ['reported-claim', 635, 672, 'Antony Blinken', 'said', 'named'],
    ]);
    expect((await t.http.get('/api/compare?outlet=turan&type=reported-claim').expect(200)).body.map((x: Json) => x.id)).toEqual([c.id]);
    expect((await t.http.get('/api/compare?type=opinion').expect(200)).body).toEqual([]);
    expect((await t.http.get('/api/compare?speaker=Nobody').expect(200)).body).toEqual([]);
  });

  test('when a label\'s speaker changes without the label count changing, then the next answer shows the new speaker', async () => {
    const id = await addLabel(t.store, TURAN, { type: 'direct-quote', start: 635, end: 672, speaker: 'Blinken' });
    expect((await t.http.get('/api/compare').expect(200)).body[0].speakers).toEqual(['Blinken']);
    await t.store.update(TURAN, (d) => {
      const l = d.labels.find((x) => x.id === id)!;
      l.speaker = 'Antony Blinken';
      l.updatedAt = '2026-01-02T00:00:00.000Z';
    });
    expect((await t.http.get('/api/compare').expect(200)).body[0].speakers).toEqual(['Antony Blinken']);
  });

  test.each([
    ['an unknown type', 'type=nonsense', 'type: unknown label type "nonsense"; known types: direct-quote, reported-claim, opinion'],
    ['minDocuments=3', 'minDocuments=3', 'minDocuments: must be 1 (also repeats inside one document) or 2'],
    ['a repeated speaker', 'speaker=a&speaker=b', 'speaker: Invalid input: expected string, received array'],
    ['a 201-character outlet', `outlet=${'x'.repeat(201)}`, 'outlet: must be at most 200 characters'],
  ])('when the query has %s, then it is a 400 that says why and nothing on disk changes', async (_name, query, message) => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.get(`/api/compare?${query}`).expect(400);
    expect(res.body).toEqual({ error: { code: 'invalid_input', message } });
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when the API is asked page by page, then following the Link header gives every statement of the whole answer once, in its order, and the count says how many', async () => {
    const whole = await t.http.get('/api/compare?minDocuments=1').expect(200);
    expect(whole.body.length).toBeGreaterThanOrEqual(2);
    expect(whole.headers['x-total-count']).toBe(String(whole.body.length));
    expect(whole.headers.link).toBeUndefined();
    const ids: string[] = [];
    let url: string | null = '/api/compare?minDocuments=1&limit=1';
    while (url) {
      const res = await t.http.get(url).expect(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.total).toBe(whole.body.length);
      ids.push(res.body.items[0].id);
      const link = /^<([^>]+)>; rel="next"$/.exec(res.headers.link ?? '');
      expect(link ? link[1].includes('minDocuments=1') : res.body.next === null).toBe(true);
      url = link ? link[1] : null;
    }
    expect(ids).toEqual(whole.body.map((c: Json) => c.id));
  });

  test('when a page is asked with a bad limit or cursor, then it is a 400 that says why and nothing on disk changes', async () => {
    const before = await snapshotDir(t.dataDir);
    const first = await t.http.get('/api/compare?minDocuments=1&limit=1').expect(200);
    expect(first.body.next).toEqual(expect.any(String));
    for (const query of ['limit=0', 'limit=1001', 'limit=x', 'cursor=made-up', `cursor=${first.body.next}`]) {
      const res = await t.http.get(`/api/compare?${query}`).expect(400);
      expect(res.body.error.message).toMatch(query.startsWith('limit') ? /^limit must be a whole number from 1 to 1000/ : /cursor/);
    }
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test.each(['s000000000000', 'not-an-id'])('when the statement id %s is unknown, then it is a 404 that says so', async (id) => {
    const res = await t.http.get(`/api/compare/${id}`).expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: `no statement with id "${id}": the documents may have changed since the link was made` } });
  });
});
