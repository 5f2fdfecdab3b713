import { FIRST_SEED, readDocFile, snapshotDir, startTestApp } from '../helpers/app.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ seeds: true });
});
afterEach(() => t.cleanup());

describe('label types', () => {
  test('when nothing was added, then the three built-in types are listed with their keys', async () => {
    const res = await t.http.get('/api/label-types').expect(200);
    expect(res.body.map((x: { id: string; key?: string }) => [x.id, x.key])).toEqual([['direct-quote', '1'], ['reported-claim', '2'], ['opinion', '3']]);
  });

  test('when a type is added, then it is stored in project.json, coloured by the stylesheet, offered in the editor and accepted on labels', async () => {
    await t.http.post('/api/label-types').send({ id: 'loaded-language', name: 'Loaded language', color: '#009E73', key: '4' }).expect(201);
    const project = JSON.parse(await readFile(join(t.dataDir, 'project.json'), 'utf8'));
    expect(project.labelTypes).toEqual([{ id: 'loaded-language', name: 'Loaded language', color: '#009E73', key: '4' }]);
    const css = await t.http.get('/label-types.css').expect(200);
    expect(css.text).toContain('.hl.t-loaded-language { --c: #009e73; --bg: #009e7326; --ls: solid; }');
    const page = await t.http.get(`/documents/${FIRST_SEED}`).expect(200);
    expect(page.text).toContain('data-type="loaded-language"');
    expect(page.text).toContain('<kbd>4</kbd> Loaded language');
    const label = await t.http.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 0, end: 9, type: 'loaded-language', rev: 1 }).expect(201);
    expect((await readDocFile(t.dataDir, FIRST_SEED)).labels[0].type).toBe(label.body.type);
  });

  test.each([
    ['an id with a space', { id: 'bad id', name: 'X', color: '#000000' }, 'id must start with a letter and hold only letters, digits, "_" and "-" (at most 64)'],
    ['a built-in id', { id: 'Opinion', name: 'X', color: '#000000' }, 'a label type "Opinion" exists already'],
    ['a colour that is not hex', { id: 'x', name: 'X', color: 'red;}' }, 'color must be a hex colour like #009E73'],
    ['a taken key', { id: 'x', name: 'X', color: '#000000', key: '1' }, 'key "1" is taken by "Direct quote"'],
    ['an editor shortcut as key', { id: 'x', name: 'X', color: '#000000', key: 'j' }, 'key "j" is an editor shortcut already'],
  ])('when the new type has %s, then it is a 400 and nothing is stored', async (_what, body, message) => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.post('/api/label-types').send(body).expect(400);
    expect(res.body.error).toEqual({ code: 'invalid_label_type', message });
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when the settings form adds a type, then the page lists it', async () => {
    await t.http.post('/label-types').type('form').send({ id: 'hedge', name: 'Hedge', color: '#56b4e9', key: '' }).expect(303);
    const page = await t.http.get('/label-types').expect(200);
    expect(page.text).toContain('<span class="chip t-hedge">Hedge</span>');
  });
});
