import { startTestApp, snapshotDir } from '../helpers/app.js';
import { EMOJI_DOC, QUESTIONS, startLabelledApp } from '../domain/formats/labelled-corpus.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const lines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

describe('document answers in exports', () => {
  let source: App;
  beforeAll(async () => {
    source = await startLabelledApp();
  });
  afterAll(() => source.cleanup());

  test('when a document has gold answers, then exports keep only them by default, and layer=all or annotator:NAME choose', async () => {
    const answersOf = async (q: string) => lines((await source.http.get(`/api/export?format=jsonl&document=${EMOJI_DOC}${q}`).expect(200)).text)[0].answers.map((a: { questionId: string; annotator: string; value: unknown }) => [a.questionId, a.annotator, a.value]);
    expect(await answersOf('')).toEqual([['genre', 'gold', 'news'], ['inference', 'gold', 'peace 🕊️ talks resume']]);
    expect(await answersOf('&layer=all')).toEqual([['genre', 'gold', 'news'], ['genre', 'tester', 'analysis'], ['inference', 'gold', 'peace 🕊️ talks resume']]);
    expect(await answersOf('&layer=annotator:tester')).toEqual([['genre', 'tester', 'analysis']]);
  });

  test('when doccano is exported, then a line keeps doccano\'s keys and the answers ride in meta.answers', async () => {
    const emoji = lines((await source.http.get(`/api/export?format=doccano&document=${EMOJI_DOC}`).expect(200)).text)[0];
    expect(Object.keys(emoji)).toEqual(['id', 'text', 'label', 'meta']);
    expect(emoji.meta.answers).toEqual([{ question: 'genre', annotator: 'gold', value: 'news' }, { question: 'inference', annotator: 'gold', value: 'peace 🕊️ talks resume' }]);
  });

  test('when answers are imported into a project without those questions, then they are skipped with the reason and the labels still come in', async () => {
    const target = await startTestApp();
    const res = await target.http.post('/api/import?format=doccano').set('Content-Type', 'application/x-ndjson').send((await source.http.get('/api/export?format=doccano')).text);
    expect(res.status).toBe(200);
    expect(res.body.answers).toBeUndefined();
    const reasons = res.body.skipped.filter((s: { item: string }) => s.item.startsWith('meta.answers')).map((s: { reason: string }) => s.reason);
    expect(reasons).toHaveLength(7);
    expect(reasons[0]).toMatch(/^an answer to "genre", which is not one of the project's questions/);
    await target.cleanup();
  });

  test('when an imported answer is outside its question\'s choices, then the import is a 400 naming it and nothing is written', async () => {
    const target = await startTestApp();
    await target.http.put('/api/questions').send({ questions: QUESTIONS }).expect(200);
    const before = await snapshotDir(target.dataDir);
    const task = { data: { text: 'Officials said the talks would resume.' }, annotations: [{ framewise_annotator: 'ana', result: [{ from_name: 'q-genre', to_name: 'text', type: 'choices', value: { choices: ['satire'] } }] }] };
    const res = await target.http.post('/api/import?format=labelstudio').set('Content-Type', 'application/json').send(JSON.stringify([task]));
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors[0].message).toBe('annotations.0.result.0: genre: must be one of "news", "analysis", "opinion, "signed""');
    expect(await snapshotDir(target.dataDir)).toEqual(before);
    await target.cleanup();
  });

  test('when a Label Studio task with document answers is previewed, then the report counts them and nothing is written; imported, they are the annotator\'s', async () => {
    const target = await startTestApp();
    await target.http.put('/api/questions').send({ questions: QUESTIONS }).expect(200);
    const task = { data: { text: 'Officials said the talks would resume.', framewise_id: 'talks' }, annotations: [{ framewise_annotator: 'ana', result: [
      { from_name: 'q-sources', to_name: 'text', type: 'choices', value: { choices: ['officials', 'studies'] } },
      { from_name: 'q-title-fits', to_name: 'text', type: 'rating', value: { rating: 2 } },
      { from_name: 'q-inference', to_name: 'text', type: 'textarea', value: { text: ['none'] } },
    ] }] };
    const body = JSON.stringify([task]);
    const before = await snapshotDir(target.dataDir);
    const dry = await target.http.post('/api/import?format=labelstudio&dryRun=1').set('Content-Type', 'application/json').send(body).expect(200);
    expect(dry.body.answers).toEqual({ imported: 3, existing: 0 });
    expect(await snapshotDir(target.dataDir)).toEqual(before);
    await target.http.post('/api/import?format=labelstudio').set('Content-Type', 'application/json').send(body).expect(200);
    const stored = (await target.http.get('/api/documents/talks/answers').expect(200)).body.map((a: { questionId: string; annotator: string; value: unknown }) => [a.questionId, a.annotator, a.value]);
    expect(stored).toEqual([['sources', 'ana', ['officials', 'studies']], ['title-fits', 'ana', 2], ['inference', 'ana', 'none']]);
    const again = await target.http.post('/api/import?format=labelstudio').set('Content-Type', 'application/json').send(body).expect(200);
    expect(again.body.answers).toEqual({ imported: 0, existing: 3 });
    await target.cleanup();
  });
});

describe('csv speaker ids and ClaimReview through the export registry', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.cleanup());

  test('when a label credits a speaker entity, then its csv row carries the speaker id; ClaimReview is listed on the export page and honours the filters', async () => {
    const text = 'Secretary of State Ann Lee said: “Crime fell by half last year.”';
    const doc = (await t.http.post('/api/documents').send({ title: 'Crime', text }).expect(201)).body as { id: string };
    const start = text.indexOf('Crime fell');
    const label = (await t.http.post(`/api/documents/${doc.id}/labels`).send({ start, end: text.length - 1, type: 'direct-quote', rev: 1, speaker: 'Secretary of State Ann Lee' }).expect(201)).body as { id: string; speakerId: string };
    const [header, row] = (await t.http.get('/api/export?format=csv').expect(200)).text.split('\r\n');
    const cells = (line: string) => line.split(',');
    const at = cells(header).indexOf('speaker_id');
    expect(cells(header)[at - 1]).toBe('speaker');
    expect([cells(row)[at - 1], cells(row)[at]]).toEqual(['Ann Lee', label.speakerId]);
    expect(label.speakerId).toMatch(/^sp-/);

    await t.http.put(`/api/documents/${doc.id}/labels/${label.id}/verdict`).send({ rating: 'false' }).expect(200);
    const all = await t.http.get('/api/export?format=claimreview').expect(200);
    expect(all.headers['content-disposition']).toBe('attachment; filename="framewise-claimreview.jsonld"');
    expect((JSON.parse(all.text) as { claimReviewed: string }[]).map((r) => r.claimReviewed)).toEqual(['Crime fell by half last year.']);
    expect(JSON.parse((await t.http.get('/api/export?format=claimreview&type=opinion').expect(200)).text)).toEqual([]);
    expect((await t.http.get('/export').expect(200)).text).toContain('value="claimreview"');
  });
});
