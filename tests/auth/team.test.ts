import { changedFiles, FIRST_SEED, readDocFile, snapshotDir, startTestApp, type TestClient } from '../helpers/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
let ana: TestClient, ben: TestClient, ed: TestClient, vic: TestClient;
const labels = `/api/documents/${FIRST_SEED}/labels`;
const QUOTE = { start: 158, end: 188, type: 'direct-quote', rev: 1 };

beforeEach(async () => {
  t = await startTestApp({ seeds: true });
  [ana, ben, ed, vic] = [await t.as('ana', 'annotator'), await t.as('ben', 'annotator'), await t.as('ed', 'editor'), await t.as('vic', 'viewer')];
  await ed.put(`/api/documents/${FIRST_SEED}/assignments`).send({ annotators: ['ana', 'ben'] }).expect(200);
});
afterEach(() => t.cleanup());

async function untouched(act: () => Promise<unknown>) {
  const before = await snapshotDir(t.dataDir);
  await act();
  expect(changedFiles(before, await snapshotDir(t.dataDir))).toEqual([]);
}

describe('roles', () => {
  test('when each role calls each kind of route, then only the roles allowed get through; the others get a 403 naming the role needed, and nothing changes', async () => {
    const doc = (await t.http.post('/api/documents').send({ title: 'Matrix', text: 'Blinken said the plan was bold.' }).expect(201)).body.id;
    const routes: [string, string, object | undefined, string][] = [
      ['get', '/api/documents', undefined, 'viewer'],
      ['post', labels, { start: 0, end: 9, type: 'opinion', rev: 1 }, 'annotator'],
      ['patch', `/api/documents/${doc}`, { outlet: 'Wire' }, 'editor'],
      ['put', `/api/documents/${doc}/text`, { text: 'Blinken said it.', baseRev: 1 }, 'editor'],
      ['put', `/api/documents/${doc}/assignments`, { annotators: ['ana'] }, 'editor'],
      ['post', '/api/users', { username: 'newbie', password: 'long enough password', role: 'viewer' }, 'admin'],
      ['post', '/api/label-types', { id: 'rumour', name: 'Rumour', color: '#009E73', key: '7' }, 'admin'],
    ];
    const clients: [string, TestClient][] = [['viewer', vic], ['annotator', ana], ['editor', ed], ['admin', t.http]];
    const order = ['viewer', 'annotator', 'editor', 'admin'];
    const seen: string[] = [];
    for (const [method, url, body, needed] of routes) {
      for (const [role, client] of clients) {
        const allowed = order.indexOf(role) >= order.indexOf(needed);
        if (allowed) {
          const res = await (client as unknown as Record<string, (u: string) => { send: (b?: object) => Promise<{ status: number }> }>)[method](url).send(body);
          seen.push(`${role} ${method} ${url}: ${res.status < 400 || res.status === 409 ? 'ok' : res.status}`);
        } else {
          await untouched(async () => {
            const res = await (client as unknown as Record<string, (u: string) => { send: (b?: object) => Promise<{ status: number; body: { error: { message: string } } }> }>)[method](url).send(body);
            expect(res.status).toBe(403);
            expect(res.body.error.message).toBe(`this needs the role "${needed}" or higher; you are "${role}"`);
          });
        }
      }
    }
    expect(seen.filter((s) => !s.endsWith(': ok'))).toEqual([]);
  });

  test('when an annotator edits or deletes another annotator\'s label, or labels a document not assigned to them, then 403 and the file is unchanged', async () => {
    const bens = (await ben.post(labels).send(QUOTE).expect(201)).body;
    expect(bens).toMatchObject({ annotator: 'ben', layer: 'ben' });
    const other = (await t.http.post('/api/documents').send({ title: 'Other', text: 'Blinken said the plan was bold.' }).expect(201)).body.id;
    await untouched(async () => {
      expect((await ana.patch(`${labels}/${bens.id}`).send({ note: 'mine now' }).expect(403)).body.error.code).toBe('not_your_label');
      await ana.delete(`${labels}/${bens.id}`).expect(403);
      await ana.post(`/documents/${FIRST_SEED}/labels/${bens.id}/delete`).expect(403);
      expect((await ana.post(`/api/documents/${other}/labels`).send({ start: 0, end: 7, type: 'opinion', rev: 1 }).expect(403)).body.error.code).toBe('not_assigned');
    });
    await ed.patch(`${labels}/${bens.id}`).send({ note: 'editors may' }).expect(200);
    await ben.delete(`${labels}/${bens.id}`).expect(200);
  });

  test('when a label is posted with an `annotator` field or query parameter, then it is still the signed-in user\'s', async () => {
    const res = await ana.post(`${labels}?annotator=ben`).send({ ...QUOTE, annotator: 'ben' }).expect(201);
    expect(res.body).toMatchObject({ annotator: 'ana', layer: 'ana' });
    expect((await readDocFile(t.dataDir, FIRST_SEED)).events.at(-1)).toMatchObject({ kind: 'label.created', actor: 'ana' });
  });
});

describe('blind labelling', () => {
  beforeEach(async () => {
    await ana.post(labels).send(QUOTE).expect(201);
    await ben.post(labels).send({ ...QUOTE, type: 'opinion', note: 'BEN-SECRET-NOTE' }).expect(201);
  });

  test('when two annotators label one document, then before submitting each sees only their own labels in the API, the page and the history, and cannot export or compare', async () => {
    const api = (await ana.get(`/api/documents/${FIRST_SEED}`).expect(200)).body;
    expect(api.labels.map((l: { annotator: string }) => l.annotator)).toEqual(['ana']);
    expect((await ana.get(labels).expect(200)).body.map((l: { annotator: string }) => l.annotator)).toEqual(['ana']);
    const page = (await ana.get(`/documents/${FIRST_SEED}`).expect(200)).text;
    expect(page).not.toContain('BEN-SECRET-NOTE');
    expect((await ana.get(`/documents/${FIRST_SEED}/revisions`)).text).not.toContain('BEN-SECRET-NOTE');
    expect((await ana.get('/api/export?format=jsonl').expect(403)).body.error.code).toBe('blind');
    await ana.get('/api/compare').expect(403);
    await ana.get('/api/agreement').expect(403);
    const editorView = (await ed.get(`/api/documents/${FIRST_SEED}`).expect(200)).body;
    expect(editorView.labels.map((l: { annotator: string }) => l.annotator).sort()).toEqual(['ana', 'ben']);
    expect((await ed.get('/api/export?format=jsonl').expect(200)).text).toContain('BEN-SECRET-NOTE');
  });

  test('when the text is revised, then the superseded revision\'s label snapshot is filtered too', async () => {
    const text = (await ed.get(`/api/documents/${FIRST_SEED}`).expect(200)).body.text as string;
    await ed.put(`/api/documents/${FIRST_SEED}/text`).send({ text: `Update. ${text}`, baseRev: 1 }).expect(201);
    const old = await ana.get(`/api/documents/${FIRST_SEED}/revisions/1`).expect(200);
    expect(JSON.stringify(old.body)).not.toContain('BEN-SECRET-NOTE');
    expect((await ana.get(`/documents/${FIRST_SEED}/revisions/1`).expect(200)).text).not.toContain('BEN-SECRET-NOTE');
    expect((await ana.get(`/documents/${FIRST_SEED}/diff?from=1&to=2`).expect(200)).text).not.toContain('BEN-SECRET-NOTE');
    expect(JSON.stringify((await ed.get(`/api/documents/${FIRST_SEED}/revisions/1`).expect(200)).body)).toContain('BEN-SECRET-NOTE');
  });

  test('when the annotator submits, then their status is submitted and they see everyone\'s labels', async () => {
    expect((await ana.post(`/api/documents/${FIRST_SEED}/submit`).expect(200)).body).toMatchObject({ status: 'submitted', username: 'ana' });
    expect((await ana.get(`/api/documents/${FIRST_SEED}`).expect(200)).body.labels).toHaveLength(2);
    expect((await ed.get(`/api/documents/${FIRST_SEED}/assignments`).expect(200)).body.annotators).toEqual([
      expect.objectContaining({ username: 'ana', status: 'submitted' }),
      expect.objectContaining({ username: 'ben', status: 'in progress' }),
    ]);
  });

  test('when blind labelling is set off, then annotators see each other\'s labels', async () => {
    await t.http.put('/api/settings').send({ blind: 'off' }).expect(200);
    expect((await ana.get(`/api/documents/${FIRST_SEED}`).expect(200)).body.labels).toHaveLength(2);
  });
});

describe('assignments', () => {
  test('when documents are dealt round-robin two per document over three annotators, then each document gets two different annotators and the load is even', async () => {
    await t.as('cy', 'annotator');
    const res = await ed.post('/api/assignments').send({ annotators: ['ana', 'ben', 'cy'], perDocument: 2 }).expect(200);
    const plan = res.body.assignments as Record<string, string[]>;
    const ids = Object.keys(plan).sort();
    expect(plan[ids[0]]).toEqual(['ana', 'ben']);
    expect(plan[ids[1]]).toEqual(['cy', 'ana']);
    expect(plan[ids[2]]).toEqual(['ben', 'cy']);
    const load = new Map<string, number>();
    for (const names of Object.values(plan)) for (const n of names) load.set(n, (load.get(n) ?? 0) + 1);
    expect(Math.max(...load.values()) - Math.min(...load.values())).toBeLessThanOrEqual(1);
  });

  test('when an unknown or viewer user is assigned, then 400 and nothing changes', async () => {
    await untouched(async () => {
      expect((await ed.put(`/api/documents/${FIRST_SEED}/assignments`).send({ annotators: ['nobody'] }).expect(400)).body.error.message).toBe('no user named "nobody"');
      await ed.put(`/api/documents/${FIRST_SEED}/assignments`).send({ annotators: ['vic'] }).expect(400);
    });
  });

  test('when an annotator opens their queue, then it lists their documents with a progress bar', async () => {
    await ana.post(`/api/documents/${FIRST_SEED}/submit`).expect(200);
    const html = (await ana.get('/queue').expect(200)).text;
    expect(html).toContain('1 of 1 documents submitted.');
    expect(html).toContain('<progress class="queue-progress" max="1" value="1"');
    expect((await ed.get('/').expect(200)).text).toContain('ana: submitted, ben: assigned');
  });
});

describe('adjudication', () => {
  test('when two annotators agree on one span and differ on another, then "accept all agreed" and one accept give exactly the expected gold labels, with the annotators\' labels kept', async () => {
    const a1 = (await ana.post(labels).send({ ...QUOTE, speaker: 'Blinken' }).expect(201)).body;
    const b1 = (await ben.post(labels).send({ ...QUOTE, speaker: 'Blinken' }).expect(201)).body;
    await ana.post(labels).send({ start: 0, end: 9, type: 'opinion', rev: 1 }).expect(201);
    const b2 = (await ben.post(labels).send({ start: 0, end: 9, type: 'reported-claim', rev: 1 }).expect(201)).body;
    const page = (await ed.get(`/documents/${FIRST_SEED}/adjudicate`).expect(200)).text;
    expect(page).toContain('Accept all agreed (1)');
    expect(page).toContain('said by ana; not by ben');
    const agreed = (await ed.post(`/api/documents/${FIRST_SEED}/gold/accept-agreed`).expect(201)).body;
    expect(agreed).toEqual([expect.objectContaining({ layer: 'gold', annotator: 'ed', start: 158, end: 188, type: 'direct-quote', speaker: 'Blinken', from: [{ labelId: a1.id, annotator: 'ana' }, { labelId: b1.id, annotator: 'ben' }] })]);
    const accepted = await ed.post(`/api/documents/${FIRST_SEED}/gold`).send({ labelId: b2.id }).expect(201);
    expect(accepted.body).toMatchObject({ layer: 'gold', start: 0, end: 9, type: 'reported-claim', from: [{ labelId: b2.id, annotator: 'ben' }] });
    await untouched(async () => {
      expect((await ed.post(`/api/documents/${FIRST_SEED}/gold`).send({ labelId: b2.id }).expect(409)).body.error.message).toMatch(/already holds/);
      await ana.post(`/api/documents/${FIRST_SEED}/gold`).send({ labelId: b2.id }).expect(403);
    });
    const disk = await readDocFile(t.dataDir, FIRST_SEED);
    const gold = disk.labels.filter((l) => l.layer === 'gold').map((l) => [l.start, l.end, l.type]);
    expect(gold).toEqual([[158, 188, 'direct-quote'], [0, 9, 'reported-claim']]);
    expect(disk.labels.filter((l) => l.layer !== 'gold')).toHaveLength(4);
    await ed.delete(`/api/documents/${FIRST_SEED}/gold/${accepted.body.id}`).expect(200);
    expect((await readDocFile(t.dataDir, FIRST_SEED)).labels.filter((l) => l.layer === 'gold')).toHaveLength(1);
    await ed.delete(`/api/documents/${FIRST_SEED}/gold/${a1.id}`).expect(409);
  });
});

describe('imports naming another annotator', () => {
  const line = JSON.stringify({ text: 'Blinken warned of the risk.', label: [[0, 7, 'opinion']] });

  test('when an editor imports with annotator=rita, then the label is rita\'s (her layer) and records who imported it', async () => {
    const res = await ed.post('/api/import?format=doccano&annotator=rita').set('Content-Type', 'application/x-ndjson').send(line).expect(200);
    const id = res.body.created?.[0] ?? res.body.documents?.[0]?.id ?? (await t.http.get('/api/documents')).body.find((d: { title: string }) => d.title.startsWith('Blinken warned')).id;
    const disk = await readDocFile(t.dataDir, id);
    expect(disk.labels).toEqual([expect.objectContaining({ annotator: 'rita', importedBy: 'ed', start: 0, end: 7 })]);
  });

  test('when an annotator tries to import, then 403 names the editor role and nothing changes', async () => {
    await untouched(async () => {
      const res = await ana.post('/api/import?format=doccano&annotator=rita').set('Content-Type', 'application/x-ndjson').send(line).expect(403);
      expect(res.body.error.message).toBe('this needs the role "editor" or higher; you are "annotator"');
    });
  });
});
