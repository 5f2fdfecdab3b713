import { startTestApp, expectDataUntouchedAfterEach } from '../helpers/app.js';
import { MAX_EVENTS_PAGE } from '../../server/routes/page-query.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const WORDS = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'];

describe("one document's events and history, paginated", () => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await startTestApp();
    id = (await t.http.post('/api/documents').send({ title: 'Five labels', text: WORDS.join(' said. ') + ' said.' }).expect(201)).body.id as string;
    const text = (await t.http.get(`/api/documents/${id}`).expect(200)).body.text as string;
    for (const w of WORDS) {
      const start = text.indexOf(w);
      await t.http.post(`/api/documents/${id}/labels`).send({ start, end: start + w.length, type: 'direct-quote', rev: 1, speaker: w }).expect(201);
    }
  });
  afterAll(() => t.cleanup());
  const guard = expectDataUntouchedAfterEach(() => t);

  const stored = async () => (await t.store.getDocument(id))!.events;

  test('when the events are asked without limit, then the array holds every event oldest first, as stored', async () => {
    const res = await t.http.get(`/api/documents/${id}/events`).expect(200);
    expect(res.body).toEqual(await stored());
    expect(res.body.map((e: { kind: string }) => e.kind)).toEqual(['document.created', ...WORDS.map(() => 'label.created')]);
    expect(res.headers['x-total-count']).toBe('6');
    expect(res.headers.link).toBeUndefined();
  });

  test('when pages of 4 are followed through the Link header, then every event comes once, in order', async () => {
    const first = await t.http.get(`/api/documents/${id}/events?limit=4`).expect(200);
    expect(first.body.total).toBe(6);
    expect(first.body.items).toEqual((await stored()).slice(0, 4));
    const link = /^<([^>]+)>; rel="next"$/.exec(first.headers.link)![1];
    const second = await t.http.get(link).expect(200);
    expect(second.body.items).toEqual((await stored()).slice(4));
    expect(second.body.next).toBeNull();
  });

  const linesOn = (html: string) => [...html.matchAll(/<q>([^<]+)<\/q>/g)].map((m) => m[1]);
  const olderLink = (html: string) => /<a href="([^"]+)" rel="next">Older history<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, '&');

  test('when the history page is opened with limit 2, then the newest lines come first and Older history leads through the rest once each', async () => {
    const seen: string[][] = [];
    let url: string | undefined = `/documents/${id}/history?limit=2`;
    while (url) {
      const res = await t.http.get(url).expect(200);
      expect(res.text).toContain('6 in all');
      seen.push(linesOn(res.text));
      url = olderLink(res.text);
    }
    // The document.created line has no quote.
    expect(seen).toEqual([['Echo', 'Delta'], ['Charlie', 'Bravo'], ['Alpha']]);
  });

  test('when a label is added between pages, then the next history page still starts where the first stopped', async () => {
    const first = await t.http.get(`/documents/${id}/history?limit=3`).expect(200);
    expect(linesOn(first.text)).toEqual(['Echo', 'Delta', 'Charlie']);
    await t.http.post(`/api/documents/${id}/labels`).send({ start: 0, end: 5, type: 'opinion', rev: 1 }).expect(201);
    await guard.rebaseline(); // the new label is the one change this test makes
    const second = await t.http.get(olderLink(first.text)!).expect(200);
    expect(linesOn(second.text)).toEqual(['Bravo', 'Alpha']);
  });

  test.each([
    ['the events API, a tampered cursor', async () => {
      const { next } = (await t.http.get(`/api/documents/${id}/events?limit=1`).expect(200)).body;
      return `/api/documents/${id}/events?limit=1&cursor=${next.slice(0, -3)}xyz`;
    }, /altered|malformed/],
    ['the events API, a page size over the cap', async () => `/api/documents/${id}/events?limit=${MAX_EVENTS_PAGE + 1}`, /limit must be a whole number from 1 to 1000/],
    ['the history page, a tampered cursor', async () => {
      const first = await t.http.get(`/documents/${id}/history?limit=1`).expect(200);
      return `${olderLink(first.text)!.slice(0, -3)}xyz`;
    }, /altered|malformed/],
    ['the history page, a cursor of the events API', async () => {
      const { next } = (await t.http.get(`/api/documents/${id}/events?limit=1`).expect(200)).body;
      return `/documents/${id}/history?limit=1&cursor=${next}`;
    }, /another sort, filter or search/],
    ['the history page, a page size that is not a number', async () => `/documents/${id}/history?limit=all`, /limit must be a whole number/],
  ])('when %s is given, then the answer is a 400 saying so', async (_name, url, message) => {
    const res = await t.http.get(await url()).expect(400);
    expect(res.text).toMatch(message);
  });
});

describe("the editor's History panel", () => {
  test('when a document has more than 50 history lines, then the panel shows the latest 50 and links to the full history; with fewer, no link', async () => {
    const t = await startTestApp();
    try {
      const text = Array.from({ length: 60 }, (_, i) => `Word${i}`).join(' ');
      const id = (await t.http.post('/api/documents').send({ title: 'Many labels', text }).expect(201)).body.id as string;
      const few = await t.http.get(`/documents/${id}`).expect(200);
      expect(few.text).not.toContain(`href="/documents/${id}/history"`);
      for (let i = 0; i < 55; i++) {
        const start = text.indexOf(`Word${i} `);
        await t.http.post(`/api/documents/${id}/labels`).send({ start, end: start + `Word${i}`.length, type: 'opinion', rev: 1 }).expect(201);
      }
      const many = await t.http.get(`/documents/${id}`).expect(200);
      const panel = many.text.slice(many.text.indexOf('id="history-heading"'));
      expect([...panel.slice(0, panel.indexOf('</section>')).matchAll(/<li><time/g)]).toHaveLength(50);
      expect(panel).toContain(`<a href="/documents/${id}/history">All history</a>`);
      const full = await t.http.get(`/documents/${id}/history?limit=1000`).expect(200);
      expect([...full.text.matchAll(/<li><time/g)]).toHaveLength(56);
    } finally {
      await t.cleanup();
    }
  });
});
