import { FIRST_SEED, startTestApp, type TestClient } from '../helpers/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
let ana: TestClient, ben: TestClient, ed: TestClient;

/** The `<td class="assigned">` of a document's row in the document list, as text. */
function assignedCell(html: string, id: string): string | null {
  const row = html.split('<tr>').find((r) => r.includes(`href="/documents/${id}"`));
  return row?.match(/<td class="assigned">([^<]*)<\/td>/)?.[1] ?? null;
}

beforeEach(async () => {
  t = await startTestApp({ seeds: true });
  [ana, ben, ed] = [await t.as('ana', 'annotator'), await t.as('ben', 'annotator'), await t.as('ed', 'editor')];
  await ed.put(`/api/documents/${FIRST_SEED}/assignments`).send({ annotators: ['ana', 'ben'] }).expect(200);
  await ben.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201);
});
afterEach(() => t.cleanup());

describe("assignment statuses on the pages (each read from the document's labels)", () => {
  test('when an editor opens the document list, then the assigned document shows each annotator\'s status and the others a dash', async () => {
    const html = (await ed.get('/?sort=title&limit=100').expect(200)).text;
    expect(assignedCell(html, FIRST_SEED)).toBe('ana: assigned, ben: in progress');
    const others = (await ed.get('/api/documents?limit=100').expect(200)).body.items.map((d: { id: string }) => d.id).filter((id: string) => id !== FIRST_SEED);
    expect(others.length).toBeGreaterThan(0);
    for (const id of others) expect(assignedCell(html, id)).toBe('—');
  });

  test('when an annotator submits, then the list, the overview and their queue say submitted, and the other one\'s status stays in progress', async () => {
    await ana.post(`/api/documents/${FIRST_SEED}/submit`).expect(200);
    expect(assignedCell((await ed.get('/?sort=title&limit=100').expect(200)).text, FIRST_SEED)).toBe('ana: submitted, ben: in progress');
    expect((await ed.get('/assignments').expect(200)).text).toContain('ana (submitted), ben (in progress)');
    expect((await ana.get('/queue').expect(200)).text).toMatch(/<tr class="status-submitted">[\s\S]*?<td>submitted<\/td>/);
    expect((await ben.get('/queue').expect(200)).text).toMatch(/<tr class="status-in-progress">[\s\S]*?<td>in progress<\/td>/);
  });

  test('when a blind annotator opens the document list, then they see their own status and only the other annotator\'s name', async () => {
    expect(assignedCell((await ana.get('/?sort=title&limit=100').expect(200)).text, FIRST_SEED)).toBe('ana: assigned, ben');
    expect(assignedCell((await ben.get('/?sort=title&limit=100').expect(200)).text, FIRST_SEED)).toBe('ana, ben: in progress');
  });
});
