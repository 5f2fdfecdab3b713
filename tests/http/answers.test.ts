import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestApp, expectDataUntouchedAfterEach, FIRST_SEED } from '../helpers/app.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

describe('document-level questions (Credibility indicators)', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
    await t.http.post('/api/questions/template').send({ template: 'credibility' }).expect(200);
  });
  afterAll(() => t.cleanup());

  test('when the credibility template is added, then the project asks the Zhang et al. content indicators and the genre', async () => {
    const ids = ((await t.http.get('/api/questions').expect(200)).body as { id: string }[]).map((q) => q.id);
    expect(ids).toEqual(['genre', 'title-representativeness', 'clickbait-title', 'quotes-from-outside-experts', 'citation-of-organizations-and-studies', 'calibration-of-confidence', 'logical-fallacies', 'tone', 'inference']);
  });

  test('when two annotators answer, then each has their own answers, agreement counts the pairs, and the exports carry them', async () => {
    // admins until the permission table gives these routes their role (annotators: own answers)
    const ann = await t.as('ann', 'admin');
    const bob = await t.as('bob', 'admin');
    await ann.put(`/api/documents/${FIRST_SEED}/answers`).send({ answers: { genre: 'news', 'title-representativeness': 4, tone: ['neutral'] } }).expect(200);
    await bob.put(`/api/documents/${FIRST_SEED}/answers`).send({ answers: { genre: 'news', 'title-representativeness': 3, tone: ['neutral'] } }).expect(200);
    const answers = (await t.http.get(`/api/documents/${FIRST_SEED}/answers`).expect(200)).body as { annotator: string; questionId: string; value: unknown }[];
    expect(answers.filter((a) => a.annotator === 'ann').map((a) => [a.questionId, a.value])).toEqual([['genre', 'news'], ['title-representativeness', 4], ['tone', ['neutral']]]);
    const agreement = (await t.http.get('/api/answers/agreement').expect(200)).body as { questionId: string; pairs: number; agreeing: number; agreement: number | null }[];
    expect(agreement.find((a) => a.questionId === 'genre')).toMatchObject({ pairs: 1, agreeing: 1, agreement: 1 });
    expect(agreement.find((a) => a.questionId === 'title-representativeness')).toMatchObject({ pairs: 1, agreeing: 0, agreement: 0 });

    await t.http.put(`/api/documents/${FIRST_SEED}/answers`).send({ layer: 'gold', answers: { 'title-representativeness': 4 } }).expect(200);
    const csv = (await t.http.get('/api/answers?format=csv').expect(200)).text.trim().split('\n');
    expect(csv[0]).toBe('document_id,question_id,annotator,value,answered_at');
    expect(csv.filter((l) => l.includes(',title-representativeness,gold,4,'))).toHaveLength(1);
    const w3c = JSON.parse((await t.http.get('/api/answers?format=w3c').expect(200)).text) as Record<string, any>[];
    expect(w3c[0]).toMatchObject({ '@context': 'http://www.w3.org/ns/anno.jsonld', type: 'Annotation', motivation: 'assessing', target: `urn:framewise:document:${FIRST_SEED}` });
    expect(w3c[0].body[0]).toMatchObject({ type: 'TextualBody', purpose: 'assessing' });
    const file = JSON.parse(await readFile(join(t.dataDir, 'answers.json'), 'utf8')) as { answers: unknown[] };
    expect(file.answers).toHaveLength(7);
  });

  test('when an annotator asks for a document\'s answers, then they see only their own', async () => {
    const cy = await t.as('cy', 'annotator');
    const res = await cy.get(`/api/documents/${FIRST_SEED}/answers`).expect(200);
    expect(res.body).toEqual([]); // ann's, bob's, admin's and the gold answers are hidden
  });

  test('when the questions panel form is sent, then the reviewer\'s answers are saved, checkboxes as a list', async () => {
    await t.http.post(`/documents/${FIRST_SEED}/questions`).type('form').send('q-genre=analysis&q-tone=neutral&q-tone=sarcastic&q-title-representativeness=2').expect(303);
    const mine = ((await t.http.get(`/api/documents/${FIRST_SEED}/answers`).expect(200)).body as { annotator: string; questionId: string; value: unknown }[]).filter((a) => a.annotator === 'admin');
    expect(mine.map((a) => [a.questionId, a.value]).sort()).toEqual([['genre', 'analysis'], ['title-representativeness', 2], ['tone', ['neutral', 'sarcastic']]]);
    const html = (await t.http.get(`/documents/${FIRST_SEED}/questions`).expect(200)).text;
    expect(html).toContain('value="analysis" checked');
  });
});

describe('refused answers', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
    await t.http.post('/api/questions/template').send({ template: 'credibility' }).expect(200);
    await t.http.put(`/api/documents/${FIRST_SEED}/answers`).send({ answers: { genre: 'news' } }).expect(200);
  });
  afterAll(() => t.cleanup());
  expectDataUntouchedAfterEach(() => t);

  test.each([
    ['a choice outside the question\'s choices', { genre: 'satire' }, 'genre: must be one of'],
    ['a scale value outside 1-5', { 'title-representativeness': 6 }, 'from 1 to 5'],
    ['a multiple choice with an unknown choice', { tone: ['neutral', 'angry'] }, '"angry" is not one of'],
    ['an unknown question', { nope: 'x' }, 'unknown question'],
  ])('when an answer has %s, then it is a 400 and nothing is written', async (_what, answers, message) => {
    const res = await t.http.put(`/api/documents/${FIRST_SEED}/answers`).send({ answers });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });

  test('when the document does not exist, an unknown template is asked, or a question with answers would be removed, then it is a 4xx', async () => {
    expect((await t.http.put('/api/documents/nope/answers').send({ answers: { genre: 'news' } })).status).toBe(404);
    expect((await t.http.post('/api/questions/template').send({ template: 'nope' })).status).toBe(400);
    expect((await t.http.put('/api/questions').send({ questions: [] })).status).toBe(409);
  });
});
