import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIRST_SEED, expectDataUntouchedAfterEach, readDocFile, snapshotDir, startTestApp } from '../helpers/app.js';
import { TrashService } from '../../server/services/trash.js';
import { createDocument } from '../../server/domain/documents.js';
import { CompareService } from '../../server/services/compare.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** Adds a labelled statement with a speaker and a second revision, so "everything" has something in it. */
async function labelAndRevise(t: TestApp, id: string): Promise<void> {
  const text = (await t.http.get(`/api/documents/${id}`).expect(200)).body.text as string;
  await t.http.post(`/api/documents/${id}/labels`).set('Cookie', 'framewise_user=Ada')
    .send({ start: 0, end: 20, type: 'direct-quote', rev: 1, speaker: 'Zelda Quorum', cue: 'said', sourcing: 'named' }).expect(201);
  await t.http.put(`/api/documents/${id}/text`).set('Cookie', 'framewise_user=Ada')
    .send({ text: `${text}\n\nA paragraph added later.`, baseRev: 1, message: 'add a line' }).expect((r) => {
      if (r.status >= 300) throw new Error(`revision: ${r.status} ${JSON.stringify(r.body)}`);
    });
}

describe('deleting and restoring documents', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterEach(() => t.cleanup());

  test('when a document is deleted and restored, then it comes back with its revisions, labels and history, and both steps are in its events', async () => {
    await labelAndRevise(t, FIRST_SEED);
    const before = await readDocFile(t.dataDir, FIRST_SEED);
    expect(before.revisions).toHaveLength(2);

    const del = await t.http.delete(`/api/documents/${FIRST_SEED}`).set('Cookie', 'framewise_user=Bo').expect(200);
    expect(del.body).toEqual({ id: FIRST_SEED, title: before.meta.title, deletedAt: expect.any(String), deletedBy: expect.any(String) });
    expect(existsSync(join(t.dataDir, 'documents', `${FIRST_SEED}.json`))).toBe(false);
    const inTrash = JSON.parse(await readFile(join(t.dataDir, 'trash', `${FIRST_SEED}.json`), 'utf8'));
    expect(inTrash.events.at(-1)).toMatchObject({ kind: 'document.deleted' });
    expect((await t.http.get('/api/trash').expect(200)).body).toEqual([del.body]);
    await t.http.get(`/api/documents/${FIRST_SEED}`).expect(404);

    const restored = await t.http.post(`/api/trash/${FIRST_SEED}/restore`).set('Cookie', 'framewise_user=Cy').expect(200);
    expect(restored.body).toEqual({ id: FIRST_SEED, title: before.meta.title, rev: 2, labelCount: 1 });
    const after = await readDocFile(t.dataDir, FIRST_SEED);
    expect(after.revisions).toEqual(before.revisions);
    expect(after.labels).toEqual(before.labels);
    expect(after.meta).toEqual(before.meta);
    expect(after.events.slice(0, before.events.length)).toEqual(before.events);
    expect(after.events.slice(before.events.length).map((e) => e.kind)).toEqual(['document.deleted', 'document.restored']);
    expect((await t.http.get('/api/trash').expect(200)).body).toEqual([]);
    expect(existsSync(join(t.dataDir, 'trash', `${FIRST_SEED}.deleted.json`))).toBe(false);
    // and it is editable again
    await t.http.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 0, end: 5, type: 'opinion', rev: 2 }).expect(201);
  });

  test('when a document is deleted, then it leaves the list, search, compare (with its speakers) and exports at once', async () => {
    await labelAndRevise(t, FIRST_SEED);
    const compare = new CompareService(t.store);
    const title = (await readDocFile(t.dataDir, FIRST_SEED)).meta.title;
    expect(JSON.stringify(await compare.snapshot())).toContain(FIRST_SEED);
    expect((await t.http.get('/compare').expect(200)).text).toContain('Zelda Quorum');
    expect((await t.http.get('/api/export?format=jsonl').expect(200)).text).toContain(FIRST_SEED);

    await t.http.delete(`/api/documents/${FIRST_SEED}`).expect(200);

    expect((await t.http.get('/api/documents').expect(200)).body.map((d: { id: string }) => d.id)).not.toContain(FIRST_SEED);
    expect((await t.http.get('/').query({ q: title.split(' ')[0] }).expect(200)).text).not.toContain(`/documents/${FIRST_SEED}"`);
    expect(JSON.stringify(await compare.snapshot())).not.toContain(FIRST_SEED);
    expect(JSON.stringify((await t.http.get('/api/compare').expect(200)).body)).not.toContain(FIRST_SEED);
    expect((await t.http.get('/compare').expect(200)).text).not.toContain('Zelda Quorum');
    expect((await t.http.get('/api/export?format=jsonl').expect(200)).text).not.toContain(FIRST_SEED);
    expect((await t.http.get(`/documents/${FIRST_SEED}`)).status).toBe(404);
  });

  test('when the pages are used, then the confirmation deletes, the trash page lists it and restores it', async () => {
    const confirm = await t.http.get(`/documents/${FIRST_SEED}/delete`).expect(200);
    expect(confirm.text).toContain(`<form method="post" action="/documents/${FIRST_SEED}/delete"`);
    expect((await t.http.get(`/documents/${FIRST_SEED}`).expect(200)).text).toContain(`href="/documents/${FIRST_SEED}/delete"`);
    await t.http.post(`/documents/${FIRST_SEED}/delete`).type('form').send({}).expect(303).expect('Location', '/trash');
    const page = await t.http.get('/trash').expect(200);
    expect(page.text).toContain(`action="/trash/${FIRST_SEED}/restore"`);
    await t.http.post(`/trash/${FIRST_SEED}/restore`).type('form').send({}).expect(303).expect('Location', `/documents/${FIRST_SEED}`);
    expect((await t.http.get('/trash').expect(200)).text).toContain('The trash is empty.');
  });

  test('when the trash is emptied or one document is deleted for good, then its files are gone and it cannot be restored', async () => {
    const ids = (await t.http.get('/api/documents').expect(200)).body.map((d: { id: string }) => d.id).slice(0, 3) as string[];
    for (const id of ids) await t.http.delete(`/api/documents/${id}`).expect(200);
    await t.http.delete(`/api/trash/${ids[0]}`).expect(204);
    expect((await t.http.get('/api/trash').expect(200)).body.map((r: { id: string }) => r.id).sort()).toEqual(ids.slice(1).sort());
    expect((await t.http.delete('/api/trash').expect(200)).body.deleted.sort()).toEqual(ids.slice(1).sort());
    expect(await snapshotDir(join(t.dataDir, 'trash'))).toEqual({});
    const res = await t.http.post(`/api/trash/${ids[1]}/restore`).expect(404);
    expect(res.body.error.message).toBe(`no document with id "${ids[1]}" in the trash`);
  });

  test('when a document has been in the trash for more than 30 days, then listing deletes it for good', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const service = new TrashService(t.store, () => now);
    await service.deleteDocument(FIRST_SEED, 'Ada');
    now = new Date('2026-01-31T00:00:00Z');
    expect((await service.list()).map((r) => r.id)).toEqual([FIRST_SEED]);
    now = new Date('2026-01-31T00:00:01Z');
    expect(await service.list()).toEqual([]);
    expect(existsSync(join(t.dataDir, 'trash', `${FIRST_SEED}.json`))).toBe(false);
  });
});

describe('refused deletes and restores', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterAll(() => t.cleanup());
  const guard = expectDataUntouchedAfterEach(() => t);

  test('when the id of a deleted document was reused meanwhile, then restoring is a 409 naming the problem and nothing is written', async () => {
    await t.http.delete(`/api/documents/${FIRST_SEED}`).expect(200);
    await t.store.create(createDocument({ id: FIRST_SEED, body: 'Another text under the same id.', format: 'text', author: 'import', now: '2026-01-01T00:00:00.000Z' }));
    await guard.rebaseline();
    const res = await t.http.post(`/api/trash/${FIRST_SEED}/restore`).expect(409);
    expect(res.body.error.message).toBe(`cannot restore: a document with id "${FIRST_SEED}" exists again (the id was reused after the delete); delete or rename that document first`);
    expect((await t.http.get(`/api/documents/${FIRST_SEED}`).expect(200)).body.text).toBe('Another text under the same id.');
  });

  test('when the document to delete is in the trash already under the same id, then deleting it is a 409 and nothing moves', async () => {
    const res = await t.http.delete(`/api/documents/${FIRST_SEED}`).expect(409);
    expect(res.body.error.message).toMatch(/is in the trash already/);
  });

  test.each([
    ['DELETE', '/api/documents/00000000-0000-0000-0000-000000000000', 404, 'no document with id "00000000-0000-0000-0000-000000000000"'],
    ['DELETE', '/api/documents/..%2Fproject', 400, '"../project" is not a valid document id'],
    ['POST', '/api/trash/00000000-0000-0000-0000-000000000000/restore', 404, 'no document with id "00000000-0000-0000-0000-000000000000" in the trash'],
    ['DELETE', '/api/trash/00000000-0000-0000-0000-000000000000', 404, 'no document with id "00000000-0000-0000-0000-000000000000" in the trash'],
  ])('when %s %s, then it is a %i naming the problem', async (method, url, status, message) => {
    const res = method === 'DELETE' ? await t.http.delete(url) : await t.http.post(url);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toBe(message);
  });
});

