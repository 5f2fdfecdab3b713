import { startTestApp, expectDataUntouchedAfterEach } from '../helpers/app.js';
import { latestRevision } from '../../server/domain/types.js';
import { MAX_REVISIONS_PAGE } from '../../server/routes/page-query.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('GET /api/documents/:id/revisions, paginated', () => {
  let t: TestApp;
  let id: string;
  let other: string;
  beforeAll(async () => {
    t = await startTestApp();
    other = (await t.http.post('/api/documents').send({ title: 'Other', text: 'A.' }).expect(201)).body.id as string;
    id = (await t.http.post('/api/documents').send({ title: 'Five revisions', text: 'Version 1.' }).expect(201)).body.id as string;
    for (let v = 2; v <= 5; v++) {
      const doc = (await t.store.getDocument(id))!;
      await t.http.put(`/api/documents/${id}/text`).send({ text: `Version ${v}.`, baseRev: latestRevision(doc).rev }).expect(201);
    }
  });
  afterAll(() => t.cleanup());
  expectDataUntouchedAfterEach(() => t);

  test('when pages of 2 are followed to the end, then every revision comes once, in order, and the last page has no next', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { total: number; items: Array<{ rev: number }>; next: string | null } } = await t.http.get(`/api/documents/${id}/revisions`).query({ limit: 2, ...(cursor ? { cursor } : {}) }).expect(200);
      expect(res.body.total).toBe(5);
      seen.push(...res.body.items.map((r) => r.rev));
      cursor = res.body.next;
      pages++;
    } while (cursor);
    expect([seen, pages]).toEqual([[1, 2, 3, 4, 5], 3]);
  });

  test('when neither limit nor cursor is given, then the answer is the array of every revision, as before', async () => {
    const res = await t.http.get(`/api/documents/${id}/revisions`).expect(200);
    expect((res.body as Array<{ rev: number }>).map((r) => r.rev)).toEqual([1, 2, 3, 4, 5]);
    expect(res.headers['x-total-count']).toBe('5');
    expect(res.headers.link).toBeUndefined();
  });

  test('when the cursor was tampered with, then 400 invalid_cursor', async () => {
    const first = await t.http.get(`/api/documents/${id}/revisions`).query({ limit: 2 }).expect(200);
    const [body, mac] = (first.body.next as string).split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), p: 0 })).toString('base64url');
    const res = await t.http.get(`/api/documents/${id}/revisions`).query({ limit: 2, cursor: `${forged}.${mac}` }).expect(400);
    expect(res.body.error.code).toBe('invalid_cursor');
    expect(res.body.error.message).toMatch(/altered/);
  });

  test('when a cursor of another document is used, then 400 invalid_cursor', async () => {
    const first = await t.http.get(`/api/documents/${id}/revisions`).query({ limit: 1 }).expect(200);
    const res = await t.http.get(`/api/documents/${other}/revisions`).query({ cursor: first.body.next }).expect(400);
    expect(res.body.error.code).toBe('invalid_cursor');
  });

  test.each([['0'], [String(MAX_REVISIONS_PAGE + 1)], ['two'], ['1.5']])('when limit is %s, then 400 invalid_query naming the range', async (limit) => {
    const res = await t.http.get(`/api/documents/${id}/revisions`).query({ limit }).expect(400);
    expect(res.body.error).toEqual({ code: 'invalid_query', message: `limit must be a whole number from 1 to ${MAX_REVISIONS_PAGE}, not ${JSON.stringify(limit)}` });
  });
});

describe('the /documents/:id/revisions page, paginated', () => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await startTestApp();
    id = (await t.http.post('/api/documents').send({ title: 'Five revisions', text: 'Version 1.' }).expect(201)).body.id as string;
    for (let v = 2; v <= 5; v++) {
      const doc = (await t.store.getDocument(id))!;
      await t.http.put(`/api/documents/${id}/text`).send({ text: `Version ${v}.`, baseRev: latestRevision(doc).rev }).expect(201);
    }
  });
  afterAll(() => t.cleanup());
  const guard = expectDataUntouchedAfterEach(() => t);

  const revsOn = (html: string) => [...html.matchAll(/aria-label="compare from revision (\d+)"/g)].map((m) => Number(m[1]));
  const olderLink = (html: string) => /<a href="([^"]+)" rel="next">Older revisions<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, '&');

  test('when opened with limit 2, then the newest two come first and the Older revisions links lead through the rest once each', async () => {
    const seen: number[][] = [];
    let url: string | undefined = `/documents/${id}/revisions?limit=2`;
    while (url) {
      const res = await t.http.get(url).expect(200);
      seen.push(revsOn(res.text));
      url = olderLink(res.text);
    }
    expect(seen).toEqual([[5, 4], [3, 2], [1]]);
  });

  test('when a revision is added between pages, then the next page still starts where the first stopped', async () => {
    const first = await t.http.get(`/documents/${id}/revisions?limit=3`).expect(200);
    expect(revsOn(first.text)).toEqual([5, 4, 3]);
    const doc = (await t.store.getDocument(id))!;
    await t.http.put(`/api/documents/${id}/text`).send({ text: 'Version 6.', baseRev: latestRevision(doc).rev }).expect(201);
    await guard.rebaseline(); // the new revision is the one change this test makes
    const second = await t.http.get(olderLink(first.text)!).expect(200);
    expect(revsOn(second.text)).toEqual([2, 1]);
    expect(olderLink(second.text)).toBeUndefined();
  });

  test.each([
    ['a tampered cursor', async () => {
      const first = await t.http.get(`/documents/${id}/revisions?limit=1`).expect(200);
      return `${olderLink(first.text)!.slice(0, -3)}xyz`;
    }, /altered|malformed/],
    ['a page size over the cap', async () => `/documents/${id}/revisions?limit=${MAX_REVISIONS_PAGE + 1}`, /limit must be a whole number from 1 to 1000/],
    ['a page size that is not a number', async () => `/documents/${id}/revisions?limit=all`, /limit must be a whole number/],
  ])('when given %s, then the page answers 400 saying so', async (_name, url, message) => {
    const res = await t.http.get(await url()).expect(400);
    expect(res.text).toMatch(message);
  });
});
