import { FIRST_SEED, startTestApp } from '../helpers/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ seeds: true });
});
afterEach(() => t.cleanup());

test('when two annotators label the same document, then /api/agreement reports pairs, alpha per document and corpus, and the page links the document to adjudication', async () => {
  const url = `/api/documents/${FIRST_SEED}/labels`;
  const [ada, bo] = [await t.as('ada', 'editor'), await t.as('bo', 'editor')];
  await ada.post(url).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201);
  await bo.post(url).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201);
  await bo.post(url).send({ start: 0, end: 9, type: 'opinion', rev: 1 }).expect(201);
  const res = await t.http.get('/api/agreement').query({ document: FIRST_SEED }).expect(200);
  expect(res.body.pairs).toEqual([{ annotators: ['ada', 'bo'], documents: 1, labels: [1, 2], exactF1: 0.667, overlapF1: 0.667, kappa: expect.any(Number) }]);
  expect(res.body.alpha).toEqual(expect.any(Number));
  expect(res.body.documents).toEqual([expect.objectContaining({ id: FIRST_SEED, annotators: ['ada', 'bo'], alpha: res.body.alpha })]);
  expect(res.body.maxAnnotatorsPerDocument).toBe(20);
  const corpus = (await t.http.get('/api/agreement').expect(200)).body;
  expect(corpus.alpha).toBe(res.body.alpha);
  const page = await t.http.get('/agreement').expect(200);
  expect(page.text).toContain('<td>ada · bo</td>');
  expect(page.text).toContain(`<a href="/documents/${FIRST_SEED}/adjudicate">Adjudicate</a>`);
  expect((await t.http.get('/api/agreement').query({ document: '../x' }).expect(400)).body.error.code).toBe('invalid_id');
});

test('when a label changes, then the cached figures of that document are recomputed', async () => {
  const url = `/api/documents/${FIRST_SEED}/labels`;
  const [ada, bo] = [await t.as('ada', 'editor'), await t.as('bo', 'editor')];
  await ada.post(url).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201);
  const b = (await bo.post(url).send({ start: 0, end: 9, type: 'opinion', rev: 1 }).expect(201)).body;
  expect((await t.http.get('/api/agreement').expect(200)).body.pairs[0].exactF1).toBe(0);
  await bo.patch(`${url}/${b.id}`).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(200);
  const after = (await t.http.get('/api/agreement').expect(200)).body;
  expect(after.pairs[0]).toMatchObject({ exactF1: 1, kappa: 1 });
  expect(after.alpha).toBe(1);
});
