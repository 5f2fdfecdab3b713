import { whenIdle } from '../../server/services/suggestions.js';
import type { DocumentRecord } from '../../server/domain/types.js';
import { FIRST_SEED, readDocFile, snapshotDir, startTestApp } from '../helpers/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ seeds: true });
  await whenIdle(t.store); // the corpus's spellings are read off the texts in the background
});
afterEach(() => t.cleanup());
const base = `/api/documents/${FIRST_SEED}/suggestions`;
const ONE_OF = 'One of the things that you can imagine is the Russians trying to find an off-ramp [to peace]';

describe('suggestions', () => {
  test('when the first seed is read, then Blinken’s attributed quote is suggested with his name as most of the corpus spells it, the cue and an explanation', async () => {
    const res = await t.http.get(base).expect(200);
    const s = res.body.find((x: { exact: string }) => x.exact === ONE_OF);
    expect(s).toMatchObject({ type: 'direct-quote', speaker: 'Antony Blinken', cue: 'said', sourcing: 'named', score: 0.9, confidence: 0.9, rule: 'quote:attributed' });
    expect(s.explanation).toBe('content-cue-source: cue “said”, source “Blinken”, named');
    expect(res.body.filter((x: { speaker?: string }) => x.speaker === 'Anthony Blinken')).toEqual([]);
  });

  test('when the first seed is read, then the lede quote is Blinken’s with his role, and "Blinken said Russia is trying…" is a reported claim', async () => {
    const res = await t.http.get(base).expect(200);
    expect(res.body.find((x: { exact: string }) => x.exact === 'rest, refit, regroup, reattack')).toMatchObject({ type: 'direct-quote', speaker: 'Antony Blinken', role: 'Secretary of State' });
    expect(res.body.find((x: { exact: string }) => x.exact.startsWith('Russia is trying to force Ukraine'))).toMatchObject({ type: 'reported-claim', speaker: 'Antony Blinken', cue: 'said', sourcing: 'named' });
  });

  test('when the Axios seed is read, then the French official is an anonymous source', async () => {
    const res = await t.http.get('/api/documents/003_975f8ef28e3c2c11/suggestions').expect(200);
    expect(res.body.find((x: { exact: string }) => x.exact.startsWith('Russia\'s ambition'))).toMatchObject({ speaker: 'A French official', sourcing: 'anonymous' });
  });

  test('when suggestions are asked for with minConfidence, then only those at or above it are listed', async () => {
    const all = (await t.http.get(base).expect(200)).body as { confidence: number }[];
    const sure = (await t.http.get(`${base}?minConfidence=0.8`).expect(200)).body as { confidence: number }[];
    expect(sure.length).toBeGreaterThan(0);
    expect(sure).toEqual(all.filter((s) => s.confidence >= 0.8));
    expect(sure.length).toBeLessThan(all.length);
  });

  test.each([['2'], ['high'], ['-1']])('when minConfidence is %s, then the request is refused with the reason', async (value) => {
    const res = await t.http.get(`${base}?minConfidence=${value}`).expect(400);
    expect(res.body.error.message).toMatch(/^minConfidence: /);
  });

  test('when a suggestion is accepted, then it becomes a label with its attributes and leaves the list', async () => {
    const s = (await t.http.get(base)).body.find((x: { exact: string }) => x.exact === ONE_OF);
    const res = await t.http.post(`${base}/${s.id}/accept`).send({ rev: 1 }).expect(201);
    expect(res.body).toMatchObject({ type: 'direct-quote', start: s.start, end: s.end, speaker: 'Antony Blinken', cue: 'said', sourcing: 'named' });
    expect((await readDocFile(t.dataDir, FIRST_SEED)).labels).toEqual([res.body]);
    expect((await t.http.get(base)).body.map((x: { id: string }) => x.id)).not.toContain(s.id);
  });

  test('when a suggestion is rejected, then it is remembered on disk and not offered again', async () => {
    const s = (await t.http.get(base)).body[0];
    await t.http.post(`${base}/${s.id}/reject`).expect(200);
    const disk = await readDocFile(t.dataDir, FIRST_SEED);
    expect(disk.rejectedSuggestions).toEqual([`${s.type}|${s.exact}`]);
    expect(disk.events.at(-1)).toMatchObject({ kind: 'suggestion.rejected' });
    expect((await t.http.get(base)).body.map((x: { id: string }) => x.id)).not.toContain(s.id);
  });

  test.each([
    ['an unknown suggestion', 'direct-quote:1-2', { rev: 1 }, 404, /^no open suggestion "direct-quote:1-2"/],
    ['a stale rev', null, { rev: 9 }, 409, /^revision 9 is not the latest/],
    ['no rev', null, {}, 400, /^rev: /],
  ])('when accepting %s, then it is refused and nothing changes', async (_what, id, body, status, message) => {
    const sid = id ?? (await t.http.get(base)).body[0].id;
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.post(`${base}/${sid}/accept`).send(body).expect(status);
    expect(res.body.error.message).toMatch(message);
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when the no-JS accept form is posted, then the label is made and the browser returns to it', async () => {
    const s = (await t.http.get(base)).body[0];
    const res = await t.http.post(`/documents/${FIRST_SEED}/suggestions/${s.id}/accept`).type('form').send({ rev: '1' }).expect(303);
    const [label] = (await readDocFile(t.dataDir, FIRST_SEED)).labels;
    expect(res.headers.location).toBe(`/documents/${FIRST_SEED}#label-${label.id}`);
  });

  test('when other documents are added, then listing suggestions reads none of them (its spellings are read in the background and counted afterwards)', async () => {
    // A third spelling tips the corpus: with two more documents saying "Anthony Blinken" it becomes the name.
    const other = async (title: string) => (await t.http.post('/api/documents').send({ title, text: 'Anthony Blinken spoke. Anthony Blinken left.' }).expect(201)).body.id as string;
    const ids = [await other('one'), await other('two'), await other('three')];
    const held: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const getDocument = t.store.getDocument.bind(t.store);
    const get = t.store.get.bind(t.store);
    t.store.getDocument = async (id: string): Promise<DocumentRecord | null> => {
      if (id !== FIRST_SEED) {
        held.push(id);
        await gate;
      }
      return getDocument(id);
    };
    t.store.get = (id: string) => {
      if (id !== FIRST_SEED) throw new Error(`read ${id} on the request`);
      return get(id);
    };
    try {
      const res = await t.http.get(base).expect(200);
      expect(res.body.find((x: { exact: string }) => x.exact === ONE_OF).speaker).toBe('Antony Blinken'); // what was known before
      for (let i = 0; i < 20 && held.length === 0; i++) await new Promise((r) => setImmediate(r));
      expect(held.slice(0, 1)).toEqual([expect.stringMatching(new RegExp(ids.join('|')))]); // the background pass is waiting on one of them
    } finally {
      release();
      t.store.get = get;
      t.store.getDocument = getDocument;
    }
    await whenIdle(t.store);
    const after = await t.http.get(base).expect(200);
    expect(after.body.find((x: { exact: string }) => x.exact === ONE_OF).speaker).toBe('Anthony Blinken');
  });
});
