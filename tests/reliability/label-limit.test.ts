import { makeLabel } from '../../server/domain/labels.js';
import { MAX_LABELS_PER_DOCUMENT } from '../../server/domain/label-limit.js';
import { expectDataUntouchedAfterEach, startTestApp } from '../helpers/app.js';

/** "w0 w1 w2 …": enough words for one label each. */
function wordsText(count: number): string {
  return Array.from({ length: count }, (_, i) => `w${i}`).join(' ');
}

/** [start, end) of every word of `text` (UTF-16). */
function wordSpans(text: string): [number, number][] {
  return [...text.matchAll(/\S+/g)].map((m) => [m.index, m.index + m[0].length]);
}

describe(`labels per document: at most ${MAX_LABELS_PER_DOCUMENT.toLocaleString('en')}`, () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let full: string;
  const text = wordsText(MAX_LABELS_PER_DOCUMENT + 10);
  const spans = wordSpans(text);

  beforeAll(async () => {
    t = await startTestApp();
    full = (await t.http.post('/api/documents').send({ title: 'Full', text })).body.id;
    await t.store.update(full, (d) => {
      for (let i = 0; i < MAX_LABELS_PER_DOCUMENT; i++) {
        d.labels.push(makeLabel(d, { id: `l${i}`, type: 'opinion', start: spans[i][0], end: spans[i][1] }, 'tester', '2026-01-01T00:00:00.000Z'));
      }
    });
  });
  afterAll(() => t.cleanup());
  expectDataUntouchedAfterEach(() => t);

  it('when a document holds the limit, then one more label is refused with 413 and the message names the limit', async () => {
    const [start, end] = spans[MAX_LABELS_PER_DOCUMENT];
    const res = await t.http.post(`/api/documents/${full}/labels`).send({ start, end, type: 'opinion', rev: 1 });
    expect(res.status).toBe(413);
    expect(res.body.error.message).toBe(`document ${full} holds 20,000 labels and this adds 1; the limit is 20,000 labels per document`);
    expect(t.store.get(full)!.labels).toHaveLength(MAX_LABELS_PER_DOCUMENT);
  });

  it('when an import would create a document with more labels than the limit, then the whole import is refused with 413 and nothing is written', async () => {
    const small = JSON.stringify({ text: 'A small document that would be imported first.', label: [[2, 7, 'opinion']] });
    const big = JSON.stringify({ text, label: spans.slice(0, MAX_LABELS_PER_DOCUMENT + 1).map(([s, e]) => [s, e, 'opinion']) });
    const res = await t.http.post('/api/import?format=doccano&annotator=ana').set('Content-Type', 'application/x-ndjson').send(`${small}\n${big}\n`);
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/^document \S+ would hold 20,001 labels; the limit is 20,000 labels per document: nothing was imported$/);
    expect((await t.http.get('/api/documents')).body).toHaveLength(1);
  });
});
