import { startTestApp, expectDataUntouchedAfterEach, readDocFile, FIRST_SEED } from '../helpers/app.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

interface Item { id: string | null; match: string; renderings: { documentId: string; text: string; start: number; end: number; label: unknown; occurrence?: number; rev: number }[] }

describe('searching statements on the seeds', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterAll(() => t.cleanup());

  test.each([['A phony off-ramp'], ['a phony off-ramp, by which I mean']])('when searching "%s", then the Blinken article\'s quotation is found', async (q) => {
    const items = (await t.http.get('/api/compare').query({ q }).expect(200)).body as Item[];
    const texts = items.flatMap((i) => i.renderings.filter((r) => r.documentId === FIRST_SEED).map((r) => r.text));
    expect(texts.some((x) => /phony off-ramp, by which I mean/.test(x))).toBe(true);
    if (q === 'A phony off-ramp') expect(texts).toContain('a phony off-ramp');
  });

  test('when searching words of a statement two articles share, then that statement comes first with both renderings', async () => {
    const items = (await t.http.get('/api/compare?q=rest%2C+refit').expect(200)).body as Item[];
    expect(items[0].match).toBe('statement');
    expect(new Set(items[0].renderings.map((r) => r.documentId)).size).toBe(2);
  });

  test('when searching an outlet name, then its statements are found', async () => {
    const items = (await t.http.get('/api/compare?q=global+research').expect(200)).body as Item[];
    expect(items.filter((i) => i.match === 'statement').length).toBeGreaterThan(0);
  });

  test('when the compare page is searched, then the search box keeps the words and an unlabelled passage offers "label this", which labels exactly those words', async () => {
    const html = (await t.http.get('/compare?q=phony+off-ramp').expect(200)).text;
    expect(html).toContain('value="phony off-ramp"');
    expect(html).toContain('Label this');
    const item = ((await t.http.get('/api/compare?q=phony+off-ramp').expect(200)).body as Item[]).find((i) => i.renderings[0].text === 'a phony off-ramp')!;
    const r = item.renderings[0];
    const res = await t.http.post(`/documents/${r.documentId}/labels`).type('form').send({ exact: r.text, occurrence: String(r.occurrence), rev: String(r.rev), type: 'direct-quote' });
    expect(res.status).toBe(303);
    const labels = (await readDocFile(t.dataDir, r.documentId)).labels;
    expect(labels.map((l) => [l.start, l.end, l.type])).toEqual([[r.start, r.end, 'direct-quote']]);
    expect(res.headers.location).toBe(`/documents/${r.documentId}#label-${labels[0].id}`);
  });
});

describe('refused searches', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterAll(() => t.cleanup());
  expectDataUntouchedAfterEach(() => t);

  test('when the query is longer than 200 characters or holds no word, then it is a 400 naming q', async () => {
    for (const q of ['x'.repeat(201), '!']) {
      const res = await t.http.get('/api/compare').query({ q });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^q: /);
    }
  });
});
