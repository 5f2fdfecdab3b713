/**
 * /compare, /outlets and the speaker pages answer without waiting for long index work
 * (CompareService.answer, routes/statement-index-state.ts): while the first build runs they say
 * "being built, N of M documents" (503, Retry-After); while many changed documents are indexed
 * they show the last consistent index, labelled as updating; small changes are waited for. Once
 * the work is done the statements equal a build from scratch, documents and spans exactly.
 */
import { randomUUID } from 'node:crypto';
import { startTestApp } from '../helpers/app.js';
import { createDocument } from '../../server/domain/documents.js';
import { CompareService, WAIT_FOR_BUILD_OF } from '../../server/services/compare.js';
import { compareServiceOf } from '../../server/services/outlets.js';
import { clusterJson } from '../../server/routes/compare.js';
import { QUOTABLE_SENTENCES } from '../helpers/quotable-sentences.js';
import { makeLabel } from '../../server/domain/labels.js';

const NOW = '2026-01-01T00:00:00.000Z';

/** Document `d`: two of the quotable sentences, so statements form across documents. */
const textOf = (d: number) => `${QUOTABLE_SENTENCES[d % QUOTABLE_SENTENCES.length]} ${QUOTABLE_SENTENCES[(d * 7 + 3) % QUOTABLE_SENTENCES.length]}`;

async function addDocuments(t: Awaited<ReturnType<typeof startTestApp>>, from: number, count: number): Promise<void> {
  for (let d = from; d < from + count; d++) {
    await t.store.create(createDocument({ id: `doc-${String(d).padStart(4, '0')}`, body: textOf(d), format: 'text', meta: { title: `Doc ${d}`, outlet: d % 2 ? 'Ledger' : 'Courier' }, author: 'test', now: NOW }));
  }
}

/** Documents and spans of every statement, as a reader compares them. */
const spans = (clusters: { renderings: { documentId: string; start: number; end: number; text: string }[] }[]) =>
  clusters.map((c) => c.renderings.map((r) => `${r.documentId}:${r.start}-${r.end}:${r.text}`));

describe('statement answers while the index works', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.cleanup());

  test('when the first build of more documents than are waited for runs, then the service says building, and once built equals a fresh build', async () => {
    await addDocuments(t, 0, 12);
    const service = new CompareService(t.store, { waitForBuildOf: 10 });
    const first = await service.answer();
    expect(first).toEqual({ state: 'building', done: 0, total: 12 });
    const built = await service.snapshot();
    const now = await service.answer();
    expect(now.state).toBe('ready');
    expect(now.state === 'ready' && now.snapshot).toBe(built);
    expect(built.clusters.length).toBeGreaterThan(0);
    expect(spans(built.clusters)).toEqual(spans((await new CompareService(t.store).snapshot()).clusters));
  });

  test('when more documents change than are waited for, then the answer is the last consistent index labelled updating, and after the work it equals a fresh build', async () => {
    await addDocuments(t, 0, 6);
    const service = new CompareService(t.store, { waitForUpdateOf: 3 });
    const before = await service.snapshot();
    const beforeSpans = spans(before.clusters);
    await addDocuments(t, 6, 4);

    const during = await service.answer();
    expect(during.state).toBe('updating');
    if (during.state !== 'updating') return;
    expect(during.pending).toBe(4);
    expect(during.snapshot).toBe(before);
    expect(spans(during.snapshot.clusters)).toEqual(beforeSpans);

    const after = await service.snapshot();
    expect(after).not.toBe(before);
    expect(after.docs.map((d) => d.id)).toHaveLength(10);
    expect(spans(after.clusters)).toEqual(spans((await new CompareService(t.store).snapshot()).clusters));
    expect(spans(after.clusters)).not.toEqual(beforeSpans);
    expect((await service.answer()).state).toBe('ready');
  });

  test('when a label is saved (a change within what is waited for), then the answer waits for it and shows the label', async () => {
    await addDocuments(t, 0, 6);
    const service = new CompareService(t.store, { waitForUpdateOf: 3 });
    await service.snapshot();
    const sentence = QUOTABLE_SENTENCES[0];
    const saved = await t.store.update('doc-0000', (d) => {
      const label = makeLabel(d, { id: randomUUID(), type: 'direct-quote', start: 0, end: sentence.length, speaker: 'The Mayor' }, 'tester', NOW);
      d.labels.push(label);
      return label;
    });
    const label = saved!.result;
    const a = await service.answer();
    expect(a.state).toBe('ready');
    if (a.state !== 'ready') return;
    const rendering = a.snapshot.clusters.flatMap((c) => c.renderings).find((r) => r.documentId === 'doc-0000' && r.start === 0);
    expect(rendering?.label?.id).toBe(label.id);
  });

  test(`when /compare is asked during a first build of more than ${WAIT_FOR_BUILD_OF} documents, then it answers 503 "being built, N of M documents", and 200 ready once built`, async () => {
    await addDocuments(t, 0, WAIT_FOR_BUILD_OF + 1);
    const api = await t.http.get('/api/compare').expect(503);
    expect(api.headers['retry-after']).toBe('5');
    expect(api.headers['statement-index']).toBe(`building; done=0; total=${WAIT_FOR_BUILD_OF + 1}`);
    expect(api.body.error.code).toBe('index_building');
    expect(api.body.error.message).toBe(`the statement index is being built: 0 of ${(WAIT_FOR_BUILD_OF + 1).toLocaleString('en')} documents read so far; try again in a few seconds`);

    const built = await compareServiceOf(t.store).snapshot();
    const ready = await t.http.get('/api/compare').expect(200);
    expect(ready.headers['statement-index']).toBe('ready');
    expect(ready.body.map((c: { id: string }) => c.id)).toEqual(built.clusters.filter((c) => c.documentCount >= 2).map((c) => c.id));
    expect(ready.body).toEqual(built.clusters.filter((c) => c.documentCount >= 2).map((c) => ({ ...clusterJson(c), match: 'statement' })));
    expect((await t.http.get('/outlets').expect(200)).headers['statement-index']).toBe('ready');
    await compareServiceOf(t.store).save();
  });

  test('when the speakers list is asked first during a long first build, then it answers like /compare (503 "being built"), merges answer at once, and the list is 200 ready once built', async () => {
    await addDocuments(t, 0, WAIT_FOR_BUILD_OF + 1);
    const api = await t.http.get('/api/speakers').expect(503);
    expect(api.headers['statement-index']).toBe(`building; done=0; total=${WAIT_FOR_BUILD_OF + 1}`);
    expect(api.headers['retry-after']).toBe('5');
    expect(api.body.error.code).toBe('index_building');
    expect((await t.http.get('/api/speakers/merges').expect(200)).body).toEqual([]);
    await compareServiceOf(t.store).snapshot();
    const ready = await t.http.get('/api/speakers').expect(200);
    expect(ready.headers['statement-index']).toBe('ready');
    await compareServiceOf(t.store).save();
  });

  test('when the /speakers page is asked first during a long first build, then it says "Not ready yet" and how far the build is', async () => {
    await addDocuments(t, 0, WAIT_FOR_BUILD_OF + 1);
    const page = await t.http.get('/speakers').expect(503);
    expect(page.headers['retry-after']).toBe('5');
    expect(page.text).toContain('Not ready yet');
    expect(page.text).toContain(`the statement index is being built: 0 of ${(WAIT_FOR_BUILD_OF + 1).toLocaleString('en')} documents read so far`);
    await compareServiceOf(t.store).snapshot();
    await compareServiceOf(t.store).save();
  });

  test('when the /outlets page is asked first during a long first build, then it says "Not ready yet" and how far the build is', async () => {
    // Only the first request is sure to come before the build ends (it starts it): one page per test.
    await addDocuments(t, 0, WAIT_FOR_BUILD_OF + 1);
    const page = await t.http.get('/outlets').expect(503);
    expect(page.headers['retry-after']).toBe('5');
    expect(page.text).toContain('Not ready yet');
    expect(page.text).toContain(`the statement index is being built: 0 of ${(WAIT_FOR_BUILD_OF + 1).toLocaleString('en')} documents read so far`);
    // Let the build and its index file write finish before the data folder is removed.
    await compareServiceOf(t.store).snapshot();
    await compareServiceOf(t.store).save();
  });
});
