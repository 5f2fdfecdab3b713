import { FIRST_SEED, startTestApp, type TestClient } from '../helpers/app.js';

/**
 * Blind labelling, every way round: before submitting, an annotator learns nothing of another
 * annotator's labels on a shared document: not their number, not their speakers, not their spans.
 */
type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
let ana: TestClient, ben: TestClient, ed: TestClient;
let text: string;
const doc = `/api/documents/${FIRST_SEED}`;
/** Ben's quote: "a phony off-ramp" and the words around it, named after a speaker only he typed. */
const SECRET_SPEAKER = 'Zbigniew Quillfeather';
let bens: { id: string; start: number; end: number };

beforeEach(async () => {
  t = await startTestApp({ seeds: true });
  [ana, ben, ed] = [await t.as('ana', 'annotator'), await t.as('ben', 'annotator'), await t.as('ed', 'editor')];
  await ed.put(`${doc}/assignments`).send({ annotators: ['ana', 'ben'] }).expect(200);
  text = (await ed.get(doc).expect(200)).body.text;
  const start = text.indexOf('a “a phony off-ramp”');
  bens = (await ben.post(`${doc}/labels`).send({ start, end: start + 20, type: 'reported-claim', rev: 1, speaker: SECRET_SPEAKER }).expect(201)).body;
  await ana.post(`${doc}/labels`).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201);
});
afterEach(() => t.cleanup());

describe('the document list', () => {
  test('when an annotator lists documents (array, page, search, HTML), then no label count, review count or status is given, and sorting or filtering by them is refused; the editor gets the counts', async () => {
    const array = (await ana.get('/api/documents').expect(200)).body as Record<string, unknown>[];
    expect(Object.keys(array.find((d) => d.id === FIRST_SEED)!).sort()).toEqual(['id', 'publishedAt', 'rev', 'title']);
    const page = (await ana.get('/api/documents?limit=5').expect(200)).body.items as Record<string, unknown>[];
    expect(page.every((d) => !('labelCount' in d) && !('reviewCount' in d) && !('status' in d))).toBe(true);
    const search = (await ana.get('/api/documents?q=Blinken').expect(200)).body.items as Record<string, unknown>[];
    expect(search.length).toBeGreaterThan(0);
    expect(search.every((d) => !('labelCount' in d))).toBe(true);
    for (const q of ['sort=labels', 'sort=status', 'status=labelled']) {
      expect(`${q}: ${(await ana.get(`/api/documents?${q}`)).body.error?.code}`).toBe(`${q}: blind`);
    }
    const html = (await ana.get('/').expect(200)).text;
    expect(html).not.toMatch(/sort=labels|>Labels</);
    expect(html).toContain('ana: in progress');
    expect(html).not.toMatch(/ben: (in progress|assigned)/);
    expect((await ed.get('/api/documents').expect(200)).body.find((d: { id: string }) => d.id === FIRST_SEED).labelCount).toBe(2);
    expect((await ed.get('/').expect(200)).text).toContain('ben: in progress');
  });

  test('when an annotator asks who is assigned, then they see their own status and only the names of the others', async () => {
    expect((await ana.get(`${doc}/assignments`).expect(200)).body.annotators).toEqual([
      expect.objectContaining({ username: 'ana', status: 'in progress' }),
      { username: 'ben', assignedAt: expect.any(String) },
    ]);
    expect((await ed.get(`${doc}/assignments`).expect(200)).body.annotators[1]).toMatchObject({ username: 'ben', status: 'in progress' });
  });
});

describe('speaker names', () => {
  test('when another annotator named a speaker, then the annotator\'s editor does not offer that name (speaker list or suggestions) and the suggestions API does not credit it; the editor\'s does', async () => {
    const anaPage = (await ana.get(`/documents/${FIRST_SEED}`).expect(200)).text;
    expect(anaPage).not.toContain('Quillfeather');
    expect(JSON.stringify((await ana.get(`${doc}/suggestions`).expect(200)).body)).not.toContain('Quillfeather');
    expect((await ed.get(`/documents/${FIRST_SEED}`).expect(200)).text).toContain(`<option value="${SECRET_SPEAKER}">`);
    // once she has named him herself, she is offered the name
    await ana.post(`${doc}/labels`).send({ start: 0, end: 4, type: 'opinion', rev: 1, speaker: 'Zbigniew Quillfeather' }).expect(201);
    expect((await ana.get(`/documents/${FIRST_SEED}`).expect(200)).text).toContain(`<option value="${SECRET_SPEAKER}">`);
  });

  test('when suggestions would credit a surname to the full name on another annotator\'s label, then the annotator\'s suggestions and an accepted suggestion do not carry it', async () => {
    const other = (await ed.post('/api/documents').send({ title: 'Bold', text: 'The minister spoke first.\n\n“The plan is bold,” Quillfeather said later.' }).expect(201)).body.id;
    await ed.put(`/api/documents/${other}/assignments`).send({ annotators: ['ana', 'ben'] }).expect(200);
    await ben.post(`/api/documents/${other}/labels`).send({ start: 0, end: 24, type: 'opinion', rev: 1, speaker: SECRET_SPEAKER }).expect(201);
    const edSays = JSON.stringify((await ed.get(`/api/documents/${other}/suggestions`).expect(200)).body);
    expect(edSays).toContain(SECRET_SPEAKER); // the leak this guards against is real
    const anaSuggestions = (await ana.get(`/api/documents/${other}/suggestions`).expect(200)).body as { id: string; speaker?: string }[];
    expect(JSON.stringify(anaSuggestions)).not.toContain('Zbigniew');
    const withSpeaker = anaSuggestions.find((s) => s.speaker);
    expect(withSpeaker).toBeDefined();
    const accepted = (await ana.post(`/api/documents/${other}/suggestions/${withSpeaker!.id}/accept`).send({ rev: 1 }).expect(201)).body;
    expect(JSON.stringify(accepted)).not.toContain('Zbigniew');
    expect(accepted.speaker).toBe('Quillfeather');
    const typed = (await ana.post(`/api/documents/${other}/labels`).send({ start: 0, end: 12, type: 'opinion', rev: 1, speaker: 'Quillfeather' }).expect(201)).body;
    expect(JSON.stringify(typed)).not.toContain('Zbigniew');
    const patched = (await ana.patch(`/api/documents/${other}/labels/${typed.id}`).send({ note: 'checked' }).expect(200)).body;
    expect(JSON.stringify(patched)).not.toContain('Zbigniew');
    await ana.delete(`/api/documents/${other}/labels/${typed.id}`).expect(200);
    // Her label is matched to the shared speaker entity Ben's label made; she sees the name as she gave it.
    expect((await ana.get(`/api/documents/${other}`).expect(200)).body.labels.map((l: { speaker?: string }) => l.speaker)).toEqual(['Quillfeather']);
    expect((await ana.get(`/documents/${other}`).expect(200)).text).not.toContain('Zbigniew');
  });
});

describe('revisions and history', () => {
  test('when a revision orphans another annotator\'s label, then the annotator\'s revision report, revision page and history tell nothing of it', async () => {
    const cut = text.replace('a “a phony off-ramp”', 'a retreat');
    await ed.put(`${doc}/text`).send({ text: cut, baseRev: 1 }).expect(201);
    const edReport = (await ed.get(`${doc}/revisions/2`).expect(200)).body.report;
    expect(edReport.orphaned.map((o: { id: string }) => o.id)).toEqual([bens.id]);
    const anaRev = (await ana.get(`${doc}/revisions/2`).expect(200)).body;
    expect(anaRev.report.orphaned).toEqual([]);
    expect(anaRev.report.counts).toEqual({ exact: 1, moved: 0, fuzzy: 0, orphaned: 0 });
    expect(edReport.counts).toEqual({ exact: 1, moved: 0, fuzzy: 0, orphaned: 1 });
    expect(JSON.stringify(anaRev)).not.toContain(bens.id);
    expect(JSON.stringify(anaRev)).not.toContain('a “a phony off-ramp”');
    expect((await ana.get(`/documents/${FIRST_SEED}/revisions/2`).expect(200)).text).not.toContain('phony off-ramp”</');
    const anaEditor = (await ana.get(`/documents/${FIRST_SEED}`).expect(200)).text;
    expect(anaEditor).not.toContain('a “a phony off-ramp”');
    expect(anaEditor).not.toContain(bens.id);
    expect(anaEditor).not.toContain('chip orphan');
  });

  test('when another annotator rejects a suggestion, then the annotator still sees it and their history does not mention the rejection', async () => {
    const before = (await ana.get(`${doc}/suggestions`).expect(200)).body as { id: string; exact: string }[];
    expect(before.length).toBeGreaterThan(0);
    const target = before[0];
    await ben.post(`${doc}/suggestions/${target.id}/reject`).expect(200);
    expect(((await ben.get(`${doc}/suggestions`).expect(200)).body as { id: string }[]).map((s) => s.id)).not.toContain(target.id);
    expect(((await ana.get(`${doc}/suggestions`).expect(200)).body as { id: string }[]).map((s) => s.id)).toContain(target.id);
    const history = (await ana.get(`/documents/${FIRST_SEED}`).expect(200)).text.split('id="history-heading"')[1];
    expect(history).not.toContain('ben');
  });

  test('when the annotator looks for corpus-wide views (compare and its "label this" forms, outlets, speakers), then they are refused while blind', async () => {
    for (const url of ['/compare', '/api/compare', '/outlets', '/speakers', '/api/speakers', '/api/speakers/merges']) {
      expect(`${url}: ${(await ana.get(url).set('Accept', 'application/json')).status}`).toBe(`${url}: 403`);
    }
  });
});
