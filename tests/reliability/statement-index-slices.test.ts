/**
 * The statement index's work runs in slices (services/compare.ts INDEX_SLICE_MS) with a turn of the
 * event loop between, so other requests are answered while a long build runs; and passages with
 * more identical copies than MAX_PASSAGE_COPIES are boilerplate, skipped with an exact count.
 */
import { startTestApp } from '../helpers/app.js';
import { createDocument } from '../../server/domain/documents.js';
import { findStatements } from '../../server/domain/compare/statements.js';
import { MAX_PASSAGE_COPIES } from '../../server/domain/compare/statement-index.js';
import type { CorpusDocument } from '../../server/domain/compare/types.js';
import { indexSlices } from '../../server/services/compare.js';

const NOW = '2026-01-01T00:00:00.000Z';
const SUBJECTS = ['minister', 'mayor', 'governor', 'senator', 'chancellor', 'ambassador', 'inspector', 'director'];
const PLACES = ['harbour', 'railway', 'hospital', 'airport', 'stadium', 'library', 'factory', 'bridge', 'market', 'tunnel'];

/** Sentence `k` of document `d`: one of 40 statements, with one word of its own (so no two are identical copies). */
function sentence(k: number, d: number): string {
  return `The ${SUBJECTS[k % SUBJECTS.length]} promised funding for the ${PLACES[k % PLACES.length]} renovation plan and ${d}th district budget review number ${k}.`;
}

describe('statement index work in slices', () => {
  it('when a long first build runs, then document list requests are answered between its slices', async () => {
    const t = await startTestApp();
    try {
      // 60 documents of 10 sentences, each of 40 near-identical statements in 15 documents: about 11,000 pairs aligned.
      for (let d = 0; d < 60; d++) {
        const text = Array.from({ length: 10 }, (_, i) => sentence((d + i * 7) % 40, d)).join(' ');
        await t.store.create(createDocument({ id: `doc-${String(d).padStart(3, '0')}`, body: text, format: 'text', meta: { title: `Doc ${d}`, outlet: 'Ledger' }, author: 'test', now: NOW }));
      }
      const turnsBefore = indexSlices.turns;
      let built = false;
      const build = t.http.get('/api/compare').then((res) => {
        built = true;
        return res;
      });
      /** indexSlices.turns when each probe was answered, for probes answered before the build finished. */
      const answeredAt: number[] = [];
      while (!built) {
        const res = await t.http.get('/api/documents?limit=10');
        expect(res.status).toBe(200);
        if (!built) answeredAt.push(indexSlices.turns);
      }
      const res = await build;
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body)).toBe(true);
      // Probes answered after the matching had given the event loop a turn and before it was done.
      expect(indexSlices.turns).toBeGreaterThan(turnsBefore);
      expect(answeredAt.filter((turns) => turns > turnsBefore).length).toBeGreaterThan(0);
    } finally {
      await t.cleanup();
    }
  }, 120_000);
});

describe('boilerplate passages', () => {
  const doc = (id: string, text: string): CorpusDocument => ({ id, title: id, rev: 1, text, labels: [] });
  const BOILER = 'Officials met again on Tuesday to discuss the shipping lanes and the grain corridor.';
  const OTHER = 'The central bank raised interest rates by half a point on Thursday morning.';

  it(`when a sentence has exactly ${MAX_PASSAGE_COPIES} copies, then it is one statement of all of them and nothing is skipped`, () => {
    const docs = Array.from({ length: MAX_PASSAGE_COPIES }, (_, i) => doc(`d${String(i).padStart(3, '0')}`, `${BOILER} ${i % 2 ? OTHER : ''}`.trim()));
    const { clusters, stats } = findStatements(docs);
    expect(stats.boilerplateSkipped).toBe(0);
    expect(clusters.map((c) => c.documentCount)).toEqual([50, 25]);
  });

  it(`when a sentence has ${MAX_PASSAGE_COPIES + 1} copies, then all ${MAX_PASSAGE_COPIES + 1} are skipped as boilerplate and the other statement is still found`, () => {
    const docs = Array.from({ length: MAX_PASSAGE_COPIES + 1 }, (_, i) => doc(`d${String(i).padStart(3, '0')}`, `${BOILER} ${i % 2 ? OTHER : ''}`.trim()));
    const { clusters, stats } = findStatements(docs);
    expect(stats.boilerplateSkipped).toBe(51);
    expect(clusters.map((c) => c.documentCount)).toEqual([25]);
  });

  it('when one document repeats a sentence 2,000 times, then its 2,000 copies are skipped and /api/compare answers', async () => {
    const t = await startTestApp();
    try {
      await t.store.create(createDocument({ id: 'repeat', body: `${BOILER} `.repeat(2_000).trim(), format: 'text', meta: { title: 'Repeat' }, author: 'test', now: NOW }));
      await t.store.create(createDocument({ id: 'other', body: BOILER, format: 'text', meta: { title: 'Other' }, author: 'test', now: NOW }));
      const res = await t.http.get('/api/compare');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
      const page = await t.http.get('/compare');
      expect(page.status).toBe(200);
      expect(page.text).toContain('Boilerplate passages skipped: 2001.');
    } finally {
      await t.cleanup();
    }
  });
});
