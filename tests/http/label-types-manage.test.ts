import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIRST_SEED, expectDataUntouchedAfterEach, readDocFile, startTestApp } from '../helpers/app.js';
import { typeNameProblem, BUILT_IN_TYPES } from '../../server/domain/label-types.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
const SECOND_SEED = '001_b1fe9c773694e9ae';

async function addType(t: TestApp, id: string, name: string) {
  await t.http.post('/api/label-types').send({ id, name, color: '#009E73' }).expect(201);
}

describe('changing label types', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterEach(() => t.cleanup());

  test('when a type is renamed, recoloured and re-keyed, then project.json, the list and the stylesheet say so', async () => {
    await addType(t, 'quote', 'Quote');
    const res = await t.http.patch('/api/label-types/quote').send({ name: 'Quotation', color: '#56B4E9', key: '7' }).expect(200);
    expect(res.body).toEqual({ id: 'quote', name: 'Quotation', color: '#56B4E9', key: '7' });
    const project = JSON.parse(await readFile(join(t.dataDir, 'project.json'), 'utf8'));
    expect(project.labelTypes).toEqual([{ id: 'quote', name: 'Quotation', color: '#56B4E9', key: '7' }]);
    expect((await t.http.get('/label-types.css').expect(200)).text).toContain('.hl.t-quote { --c: #56b4e9;');
    await t.http.patch('/api/label-types/quote').send({ key: '' }).expect(200);
    expect((await t.http.get('/api/label-types').expect(200)).body.at(-1)).toEqual({ id: 'quote', name: 'Quotation', color: '#56B4E9' });
  });

  test('when a built-in type is renamed and recoloured, then it keeps its id and line style', async () => {
    await t.http.patch('/api/label-types/opinion').send({ name: 'Comment', color: '#000000' }).expect(200);
    const types = (await t.http.get('/api/label-types').expect(200)).body;
    expect(types[2]).toEqual({ id: 'opinion', name: 'Comment', key: '3', color: '#000000', line: 'dotted' });
    expect((await t.http.get('/label-types.css').expect(200)).text).toContain('.hl.t-opinion { --c: #000000; --bg: #00000026; --ls: dotted; }');
  });

  test('when a type is merged into another, then every label on every document follows and each document records it', async () => {
    await addType(t, 'quote', 'Quote');
    const a = await t.http.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 0, end: 9, type: 'quote', rev: 1 }).expect(201);
    const b = await t.http.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 20, end: 30, type: 'quote', rev: 1 }).expect(201);
    const c = await t.http.post(`/api/documents/${SECOND_SEED}/labels`).send({ start: 0, end: 9, type: 'quote', rev: 1 }).expect(201);
    const untouched = await readFile(join(t.dataDir, 'documents', '002_b5c2a7a5d0bd2f7b.json'), 'utf8').catch(() => null);

    const res = await t.http.post('/api/label-types/quote/merge').set('Cookie', 'framewise_user=Ada').send({ into: 'direct-quote' }).expect(200);
    expect(res.body).toEqual({ from: 'quote', into: 'direct-quote', labels: 3, documents: 2 });

    const first = await readDocFile(t.dataDir, FIRST_SEED);
    expect(first.labels.map((l) => [l.id, l.type])).toEqual([[a.body.id, 'direct-quote'], [b.body.id, 'direct-quote']]);
    expect(first.events.at(-1)).toMatchObject({ kind: 'label-type.merged', actor: expect.any(String), before: { type: 'quote' }, after: { type: 'direct-quote', labelIds: [a.body.id, b.body.id] } });
    const second = await readDocFile(t.dataDir, SECOND_SEED);
    expect(second.labels.map((l) => [l.id, l.type])).toEqual([[c.body.id, 'direct-quote']]);
    expect((await t.http.get('/api/label-types').expect(200)).body.map((x: { id: string }) => x.id)).toEqual(['direct-quote', 'reported-claim', 'opinion']);
    if (untouched !== null) expect(await readFile(join(t.dataDir, 'documents', '002_b5c2a7a5d0bd2f7b.json'), 'utf8')).toBe(untouched);
  });

  test('when an unused type is deleted, then it is gone from project.json', async () => {
    await addType(t, 'hedge', 'Hedge');
    await t.http.delete('/api/label-types/hedge').expect(204);
    expect(JSON.parse(await readFile(join(t.dataDir, 'project.json'), 'utf8')).labelTypes).toEqual([]);
  });

  test('when two types are added at the same moment, then both are kept', async () => {
    const [x, y] = await Promise.all([
      t.http.post('/api/label-types').send({ id: 'hedge', name: 'Hedge', color: '#009E73' }),
      t.http.post('/api/label-types').send({ id: 'irony', name: 'Irony', color: '#56B4E9' }),
    ]);
    expect([x.status, y.status]).toEqual([201, 201]);
    const project = JSON.parse(await readFile(join(t.dataDir, 'project.json'), 'utf8'));
    expect(project.labelTypes.map((d: { id: string }) => d.id).sort()).toEqual(['hedge', 'irony']);
  });

  test('when the page forms rename, merge and delete, then the page shows the result', async () => {
    await addType(t, 'quote', 'Quote');
    await addType(t, 'hedge', 'Hedge');
    await t.http.post('/label-types/quote').type('form').send({ name: 'Quotation', color: '#56b4e9', key: '' }).expect(303);
    expect((await t.http.get('/label-types').expect(200)).text).toContain('<span class="chip t-quote">Quotation</span>');
    await t.http.post('/label-types/quote/merge').type('form').send({ into: 'direct-quote' }).expect(303);
    await t.http.post('/label-types/hedge/delete').type('form').send({}).expect(303);
    const page = (await t.http.get('/label-types').expect(200)).text;
    expect(page).not.toContain('class="chip t-quote"');
    expect(page).not.toContain('class="chip t-hedge"');
    expect(page).toContain('class="chip t-direct-quote"');
    const refused = await t.http.post('/label-types/opinion/delete').type('form').send({}).expect(400);
    expect(refused.text).toContain('&#34;opinion&#34; is a built-in type and cannot be deleted');
  });
});

describe('refused label type changes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
    await addType(t, 'quote', 'Quote');
    await t.http.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 0, end: 9, type: 'quote', rev: 1 }).expect(201);
    await t.http.post(`/api/documents/${SECOND_SEED}/labels`).send({ start: 0, end: 9, type: 'quote', rev: 1 }).expect(201);
  });
  afterAll(() => t.cleanup());
  expectDataUntouchedAfterEach(() => t);

  test.each([
    ['merging a type into itself', 'POST', '/api/label-types/quote/merge', { into: 'quote' }, 400, 'cannot merge the label type "quote" into itself'],
    ['merging a type into itself spelled otherwise', 'POST', '/api/label-types/quote/merge', { into: 'QUOTE' }, 400, 'cannot merge the label type "quote" into itself'],
    ['merging into an unknown type', 'POST', '/api/label-types/quote/merge', { into: 'nope' }, 400, 'cannot merge into "nope": there is no such label type'],
    ['merging a built-in type away', 'POST', '/api/label-types/opinion/merge', { into: 'quote' }, 400, '"opinion" is a built-in type: it cannot be merged away (its labels can be re-typed one by one)'],
    ['deleting a type in use', 'DELETE', '/api/label-types/quote', undefined, 409, 'the label type "quote" is used by 2 labels on 2 documents; merge it into another type instead'],
    ['deleting a built-in type', 'DELETE', '/api/label-types/direct-quote', undefined, 400, '"direct-quote" is a built-in type and cannot be deleted'],
    ['deleting an unknown type', 'DELETE', '/api/label-types/nope', undefined, 404, 'no label type "nope"'],
    ['renaming to a Cyrillic look-alike of Opinion', 'PATCH', '/api/label-types/quote', { name: 'Орinion' }, 400, 'name "Орinion" mixes Latin letters with Cyrillic look-alikes in "Орinion"'],
    ['renaming to an all-Cyrillic look-alike', 'PATCH', '/api/label-types/quote', { name: 'Ореn' }, 400, null],
    ['renaming to another type\'s name with other case and punctuation', 'PATCH', '/api/label-types/quote', { name: 'direct_QUOTE' }, 400, 'name "direct_QUOTE" reads like the existing type "Direct quote" (direct-quote)'],
    ['renaming to a full-width name', 'PATCH', '/api/label-types/quote', { name: 'ＯＰＩＮＩＯＮ' }, 400, 'name "OPINION" reads like the existing type "Opinion" (opinion)'],
    ['a key taken by another type', 'PATCH', '/api/label-types/quote', { key: '1' }, 400, 'key "1" is taken by "Direct quote"'],
    ['a colour that is not hex', 'PATCH', '/api/label-types/quote', { color: 'red' }, 400, 'color must be a hex colour like #009E73'],
    ['an unknown field', 'PATCH', '/api/label-types/quote', { id: 'other' }, 400, null],
    ['adding a look-alike id', 'POST', '/api/label-types', { id: 'Direct_Quote', name: 'Q2', color: '#000000' }, 400, 'a label type "Direct_Quote" exists already'],
    ['adding a look-alike name', 'POST', '/api/label-types', { id: 'op2', name: 'Орinion', color: '#000000' }, 400, 'name "Орinion" mixes Latin letters with Cyrillic look-alikes in "Орinion"'],
  ])('when %s, then it is refused with a message and nothing is written', async (_what, method, url, body, status, message) => {
    const req = method === 'POST' ? t.http.post(url) : method === 'PATCH' ? t.http.patch(url) : t.http.delete(url);
    const res = body ? await req.send(body) : await req;
    expect(res.status).toBe(status);
    if (message) expect(res.body.error.message).toBe(message);
    else expect(res.body.error.message).toEqual(expect.any(String));
  });
});

describe('look-alike names', () => {
  test('when a name is written in Cyrillic letters that read as a Latin name, then it is refused; a real Cyrillic word is not', () => {
    const withTax = [...BUILT_IN_TYPES, { id: 'tax', name: 'Tax', color: '#000000' }];
    expect(typeNameProblem(withTax, '\u0422\u0430\u0445', null)).toBe('name "\u0422\u0430\u0445" reads like the existing type "Tax" (tax)');
    expect(typeNameProblem(BUILT_IN_TYPES, 'Ορinion', null)).toBe('name "Ορinion" mixes Latin letters with Greek look-alikes in "Ορinion"');
    expect(typeNameProblem(BUILT_IN_TYPES, 'Мнение', null)).toBeNull();
    expect(typeNameProblem(BUILT_IN_TYPES, 'Hedge', null)).toBeNull();
  });
});
