import { startTestApp, expectDataUntouchedAfterEach } from '../helpers/app.js';
import { MAX_PAGE } from '../../server/routes/page-query.js';
import { compareServiceOf } from '../../server/services/outlets.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** The path and query of a `Link: <…>; rel="next"` header. */
const nextLink = (link: string | undefined) => /^<([^>]+)>; rel="next"$/.exec(link ?? '')?.[1];
/** The href of the page's rel="next" link. */
const nextHref = (html: string) => /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replace(/&amp;/g, '&');

/** Follows rel="next" links from `url`, collecting what `pick` finds on each page. */
async function walkPages(t: TestApp, url: string, pick: (html: string) => string[]): Promise<string[][]> {
  const pages: string[][] = [];
  for (let next: string | undefined = url; next; ) {
    const res = await t.http.get(next).expect(200);
    pages.push(pick(res.text));
    next = nextHref(res.text);
  }
  return pages;
}

const SPEAKERS = ['Ada One', 'Ben Two', 'Cy Three', 'Di Four', 'Ed Five'];

describe('speakers, an outlet\'s documents and /compare statements, paginated', () => {
  let t: TestApp;
  const wire: string[] = [];
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
    for (let i = 0; i < 5; i++) {
      const text = SPEAKERS.slice(0, i + 1).map((s) => `${s} said the harbour would open on day ${i}.`).join(' ');
      const id = (await t.http.post('/api/documents').send({ title: `Wire story ${i}`, outlet: 'Wire', publishedAt: `2024-03-0${i + 1}`, text }).expect(201)).body.id as string;
      wire.push(id);
      // Speaker k is named on 5 - k documents: the list is most used first, Ada One first.
      const labels = SPEAKERS.slice(0, 5 - i);
      const body = (await t.http.get(`/api/documents/${id}`).expect(200)).body.text as string;
      for (const s of labels) {
        const start = body.indexOf(s);
        if (start >= 0) await t.http.post(`/api/documents/${id}/labels`).send({ start, end: start + s.length, type: 'direct-quote', rev: 1, speaker: s }).expect(201);
      }
    }
    // The statement index is written to disk a while after changes: write it now, so that the
    // guard below sees only what the tests themselves change.
    await compareServiceOf(t.store).snapshot();
    await compareServiceOf(t.store).save();
  });
  afterAll(() => t.cleanup());
  expectDataUntouchedAfterEach(() => t);

  describe('speakers', () => {
    test('when /api/speakers is paged by 2, then the pages follow one another through the Link header and equal the full array', async () => {
      const all = (await t.http.get('/api/speakers').expect(200)).body as Array<{ id: string }>;
      expect(all.length).toBeGreaterThanOrEqual(3);
      const seen: string[] = [];
      let url: string | undefined = '/api/speakers?limit=2';
      while (url) {
        const res = await t.http.get(url).expect(200);
        expect(res.body.total).toBe(all.length);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((s: { id: string }) => s.id));
        url = nextLink(res.headers.link);
        expect(url === undefined).toBe(res.body.next === null);
      }
      expect(seen).toEqual(all.map((s) => s.id));
    });

    test('when the /speakers page is opened with limit 2, then its Next page links show every speaker once, most used first', async () => {
      const all = (await t.http.get('/api/speakers').expect(200)).body as Array<{ id: string }>;
      const pages = await walkPages(t, '/speakers?limit=2', (html) => [...html.matchAll(/<tr data-speaker="([^"]+)">/g)].map((m) => m[1]));
      expect(pages.flat()).toEqual(all.map((s) => s.id));
      expect(pages.length).toBe(Math.ceil(all.length / 2));
    });

    test.each([
      ['a tampered cursor', async () => `/api/speakers?limit=1&cursor=${(await t.http.get('/api/speakers?limit=1').expect(200)).body.next.slice(0, -3)}xyz`, /altered|malformed/],
      ['a page size over the cap', async () => `/api/speakers?limit=${MAX_PAGE + 1}`, /limit must be a whole number from 1 to 1000/],
      ['a cursor of another list on the page', async () => `/speakers?cursor=${(await t.http.get(`/api/documents/${wire[0]}/events?limit=1`).expect(200)).body.next}`, /altered or comes from another server run/],
    ])('when given %s, then the answer is a 400 saying so', async (_name, url, message) => {
      const res = await t.http.get(await url()).expect(400);
      expect(res.text).toMatch(message);
    });
  });

  describe("an outlet's documents", () => {
    const titlesOn = (html: string) => [...html.matchAll(/<td class="title"><a href="\/documents\/[^"]+">(Wire story \d)<\/a>/g)].map((m) => m[1]);

    test('when /outlets/Wire is paged by 2, then its documents come newest first, each once', async () => {
      const pages = await walkPages(t, '/outlets/Wire?limit=2', titlesOn);
      expect(pages).toEqual([['Wire story 4', 'Wire story 3'], ['Wire story 2', 'Wire story 1'], ['Wire story 0']]);
    });

    test('when /outlets/Wire is opened without a limit, then all five documents show on one page, with no Next link', async () => {
      const res = await t.http.get('/outlets/Wire').expect(200);
      expect(titlesOn(res.text)).toEqual(['Wire story 4', 'Wire story 3', 'Wire story 2', 'Wire story 1', 'Wire story 0']);
      expect(nextHref(res.text)).toBeUndefined();
    });

    test.each([
      ['a tampered cursor', async () => `${nextHref((await t.http.get('/outlets/Wire?limit=1').expect(200)).text)!.slice(0, -3)}xyz`, /altered|malformed/],
      ['a cursor of another outlet', async () => {
        const next = new URL(nextHref((await t.http.get('/outlets/Wire?limit=1').expect(200)).text)!, 'http://x').searchParams.get('cursor');
        return `/outlets/TURAN?limit=1&cursor=${encodeURIComponent(next!)}`;
      }, /another sort, filter or search/],
      ['a page size that is not a number', async () => '/outlets/Wire?limit=many', /limit must be a whole number/],
    ])('when given %s, then the page answers 400 saying so', async (_name, url, message) => {
      const res = await t.http.get(await url()).expect(400);
      expect(res.text).toMatch(message);
    });
  });

  describe('/compare statements', () => {
    const idsOn = (html: string) => [...html.matchAll(/<a class="cluster-quote" href="\/compare\/([^"]+)">/g)].map((m) => m[1]);

    test('when /compare is paged by 2, then the Next statements links show the statements of the API once each, in its order', async () => {
      const all = ((await t.http.get('/api/compare?minDocuments=1').expect(200)).body as Array<{ id: string; match: string }>).filter((s) => s.match === 'statement').map((s) => s.id);
      expect(all.length).toBeGreaterThanOrEqual(3);
      const pages = await walkPages(t, '/compare?minDocuments=1&limit=2', idsOn);
      expect(pages.flat()).toEqual(all);
      expect(pages[0]).toHaveLength(2);
    });

    test.each([
      ['a tampered cursor', async () => `${nextHref((await t.http.get('/compare?minDocuments=1&limit=1').expect(200)).text)!.slice(0, -3)}xyz`, /altered|malformed/],
      ['a cursor of other filters', async () => nextHref((await t.http.get('/compare?minDocuments=1&limit=1').expect(200)).text)!.replace('minDocuments=1', 'minDocuments=2'), /another sort, filter or search/],
      ['a page size over the cap', async () => `/compare?limit=${MAX_PAGE + 1}`, /limit must be a whole number from 1 to 1000/],
    ])('when given %s, then the page answers 400 saying so', async (_name, url, message) => {
      const res = await t.http.get(await url()).expect(400);
      expect(res.text).toMatch(message);
    });
  });
});
