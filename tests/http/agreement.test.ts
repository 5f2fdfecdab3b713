import { FIRST_SEED, startTestApp } from '../helpers/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ seeds: true });
});
afterEach(() => t.cleanup());

test('when two reviewers label the same document, then /api/agreement and the page report the pair', async () => {
  const url = `/api/documents/${FIRST_SEED}/labels`;
  await (await t.as('ada', 'editor')).post(url).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201);
  await (await t.as('bo', 'editor')).post(url).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201);
  await (await t.as('bo', 'editor')).post(url).send({ start: 0, end: 9, type: 'opinion', rev: 1 }).expect(201);
  const res = await t.http.get('/api/agreement').query({ document: FIRST_SEED }).expect(200);
  expect(res.body).toEqual([{ annotators: ['ada', 'bo'], documents: 1, labels: [1, 2], exactF1: 0.667, overlapF1: 0.667, kappa: expect.any(Number) }]);
  const page = await t.http.get('/agreement').expect(200);
  expect(page.text).toContain('<td>ada · bo</td>');
  expect((await t.http.get('/api/agreement').query({ document: '../x' }).expect(400)).body.error.code).toBe('invalid_id');
});
