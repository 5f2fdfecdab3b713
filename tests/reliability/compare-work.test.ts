import { findStatements } from '../../server/domain/compare/statements.js';
import { MAX_ALIGN_CELLS } from '../../server/domain/compare/match.js';
import type { CorpusDocument } from '../../server/domain/compare/types.js';
import { makeLabel } from '../../server/domain/labels.js';
import { matchingWork, COMPARE_WORKER_THRESHOLD } from '../../server/services/compare.js';
import { workerStats } from '../../server/services/domain-worker.js';
import { startTestApp } from '../helpers/app.js';
import { prng } from '../helpers/prng.js';

/** `count` distinct content words (no stop words) in one run, without sentence-ending punctuation. */
function words(count: number, seed: number): string {
  const rand = prng(seed);
  return Array.from({ length: count }, () => `zorb${Math.floor(rand() * 50_000)}`).join(' ');
}

function corpusDoc(id: string, text: string): CorpusDocument {
  return { id, title: id, rev: 1, text, labels: [] };
}

describe('compare: alignment is capped per passage pair', () => {
  it('when two documents share a sentence of 300 words, then it is matched as one statement', () => {
    const shared = `${words(300, 1)}.`;
    const { clusters } = findStatements([corpusDoc('a', shared), corpusDoc('b', shared)]);
    expect(300 * 300).toBeLessThanOrEqual(MAX_ALIGN_CELLS);
    expect(clusters.map((c) => c.documentCount)).toEqual([2]);
  });

  it('when two documents share one run-on sentence of 1,000 words, then the pair is over the cap and is not aligned', () => {
    const shared = words(1_000, 2);
    const { clusters, stats } = findStatements([corpusDoc('a', shared), corpusDoc('b', shared)]);
    expect(stats.candidatePairs).toBeGreaterThan(0);
    expect(stats.matches).toBe(0);
    expect(clusters).toEqual([]);
  });
});

describe('compare: the worker decision counts passages and labels', () => {
  it('when two 24,000-character one-sentence documents carry 15 long labels each, then matching runs on the worker thread', async () => {
    const t = await startTestApp();
    try {
      const ids: string[] = [];
      for (const seed of [3, 4]) {
        const text = words(4_000, seed).slice(0, 24_000).trimEnd();
        const res = await t.http.post('/api/documents').send({ title: `run-on ${seed}`, text });
        expect(res.status).toBe(201);
        ids.push(res.body.id);
        await t.store.update(res.body.id, (d) => {
          for (let i = 0; i < 15; i++) {
            const start = text.indexOf(' ', i * 700) + 1;
            const end = text.lastIndexOf(' ', text.length - i * 700);
            d.labels.push(makeLabel(d, { id: `l${seed}-${i}`, type: 'opinion', start, end }, 'tester', '2026-01-01T00:00:00.000Z'));
          }
        });
      }
      const docs = ids.map((id) => {
        const d = t.store.get(id)!;
        return { ...corpusDoc(id, d.revisions[0].text), labels: d.labels };
      });
      const textOnly = docs.reduce((n, d) => n + d.text.length, 0);
      expect(textOnly).toBeLessThan(COMPARE_WORKER_THRESHOLD);
      expect(matchingWork(docs)).toBeGreaterThan(COMPARE_WORKER_THRESHOLD);

      const jobsBefore = workerStats.jobs;
      const res = await t.http.get('/api/compare');
      expect(res.status).toBe(200);
      expect(workerStats.jobs - jobsBefore).toBe(1);
    } finally {
      await t.cleanup();
    }
  });
});
