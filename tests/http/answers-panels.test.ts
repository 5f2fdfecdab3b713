import { startTestApp, snapshotDir, FIRST_SEED } from '../helpers/app.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const QUESTIONS = [
  { id: 'genre', text: 'Genre', kind: 'single', choices: ['news', 'analysis', 'opinion'] },
  { id: 'sources', text: 'Which sources does it cite?', kind: 'multiple', choices: ['officials', 'experts', 'studies'] },
];

const goldOf = async (t: App) => ((await t.http.get(`/api/documents/${FIRST_SEED}/answers`).expect(200)).body as { questionId: string; annotator: string; value: unknown }[]).filter((a) => a.annotator === 'gold').map((a) => [a.questionId, a.value]);

describe('answers in the editor\'s side panel and on the adjudication page', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
    await t.http.put('/api/questions').send({ questions: QUESTIONS }).expect(200);
    await t.as('ana', 'annotator');
    await t.http.put(`/api/documents/${FIRST_SEED}/assignments`).send({ annotators: ['ana'] }).expect(200);
  });
  afterAll(() => t.cleanup());

  test('when the editor page is opened, then its side panel has a Questions form that posts without JavaScript and comes back to the editor with the answers checked', async () => {
    const page = (await t.http.get(`/documents/${FIRST_SEED}`).expect(200)).text;
    expect(page).toContain('id="questions"');
    expect(page).toContain(`<form method="post" action="/documents/${FIRST_SEED}/questions" class="questions-form">`);
    const res = await t.http.post(`/documents/${FIRST_SEED}/questions`).type('form').send('back=editor&q-genre=analysis&q-sources=officials&q-sources=studies').expect(303);
    expect(res.headers.location).toBe(`/documents/${FIRST_SEED}#questions`);
    const again = (await t.http.get(`/documents/${FIRST_SEED}`).expect(200)).text;
    expect(again).toContain('value="analysis" checked');
    expect(again).toContain('value="officials" checked');
    expect(again).toContain('value="studies" checked');
    expect(again).toMatch(/Questions <span class="count">2\/2<\/span>/);
  });

  test('when two annotators answered, then the adjudication page shows both answers side by side, and accepting one puts it in the gold layer', async () => {
    const ana = await t.as('ana', 'annotator');
    await ana.put(`/api/documents/${FIRST_SEED}/answers`).send({ answers: { genre: 'news', sources: ['experts'] } }).expect(200);
    const page = (await t.http.get(`/documents/${FIRST_SEED}/adjudicate`).expect(200)).text;
    const row = /<tr data-question="genre">[\s\S]*?<\/tr>/.exec(page)![0];
    expect([...row.matchAll(/<span class="annotator">([^<]+)<\/span>: <span class="answer">([^<]+)<\/span>/g)].map((m) => [m[1], m[2]])).toEqual([['admin', 'analysis'], ['ana', 'news']]);
    expect(row).toContain('<td class="gold-answer">—</td>');

    const res = await t.http.post(`/documents/${FIRST_SEED}/questions`).type('form').send('layer=gold&question=sources&back=adjudicate&q-sources=officials&q-sources=studies').expect(303);
    expect(res.headers.location).toBe(`/documents/${FIRST_SEED}/adjudicate#answers`);
    expect(await goldOf(t)).toEqual([['sources', ['officials', 'studies']]]);
    // accepting one question's answer leaves the others' gold alone
    await t.http.post(`/documents/${FIRST_SEED}/questions`).type('form').send('layer=gold&question=genre&back=adjudicate&q-genre=news').expect(303);
    expect(await goldOf(t)).toEqual([['sources', ['officials', 'studies']], ['genre', 'news']]);
    const after = (await t.http.get(`/documents/${FIRST_SEED}/adjudicate`).expect(200)).text;
    expect(/<tr data-question="genre">[\s\S]*?<\/tr>/.exec(after)![0]).toContain('<td class="gold-answer">news</td>');
  });

  test('when an annotator posts a gold answer, or an answer outside the choices, then it is refused and nothing is written', async () => {
    const ana = await t.as('ana', 'annotator');
    const before = await snapshotDir(t.dataDir);
    const refused = await ana.post(`/documents/${FIRST_SEED}/questions`).type('form').send('layer=gold&question=genre&q-genre=opinion');
    expect([refused.status, refused.text]).toEqual([403, expect.stringContaining('editor')]);
    expect((await t.http.post(`/documents/${FIRST_SEED}/questions`).type('form').send('layer=gold&question=genre&q-genre=satire')).status).toBe(400);
    expect((await t.http.post(`/documents/${FIRST_SEED}/questions`).type('form').send('layer=gold&question=nope&q-nope=x')).status).toBe(400);
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });
});
