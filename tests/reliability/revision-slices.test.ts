import { startTestApp, readDocFile } from '../helpers/app.js';
import { makeLabel } from '../../server/domain/labels.js';
import { LABELS_PER_JOB, workerStats } from '../../server/services/revisions.js';

// A revision of a document with many labels sends them to the worker LABELS_PER_JOB at a time
// (one message of 20,000 labels held the event loop 50-100 ms); the result must be the same as
// one job: every label follows the text, in its order, with one report.

function sentences(count: number): string {
  return Array.from({ length: count }, (_, i) => `Sentence number ${i} says what the minister said about item ${i}.`).join(' ');
}

describe('re-anchoring in slices on the worker', () => {
  it('when a document with more labels than one job takes is revised, then the labels go in several jobs and all of them follow the text, in order', async () => {
    const t = await startTestApp();
    try {
      const count = LABELS_PER_JOB * 2 + 500;
      const text = sentences(count);
      const id = (await t.http.post('/api/documents').send({ title: 'Many labels', text }).expect(201)).body.id as string;
      await t.store.update(id, (d) => {
        let from = 0;
        for (let i = 0; i < count; i++) {
          const start = text.indexOf(`item ${i}.`, from);
          from = start + 1;
          d.labels.push(makeLabel(d, { id: `label-${i}`, type: 'opinion', start, end: start + `item ${i}`.length }, 'tester', '2026-01-01T00:00:00.000Z'));
        }
      });
      const jobsBefore = workerStats.jobs;
      // One word changed inside label 1000's sentence, and the text made longer at the front: every label moves.
      const next = `Breaking. ${text.replace('about item 1000.', 'regarding item 1000.')}`;
      const res = await t.http.put(`/api/documents/${id}/text`).send({ text: next, baseRev: 1 }).expect(201);
      expect(workerStats.jobs - jobsBefore).toBe(3);
      expect(res.body.report.labels).toHaveLength(count);
      expect(res.body.report.counts.moved).toBe(count);
      const file = await readDocFile(t.dataDir, id);
      expect(file.labels.map((l) => l.id)).toEqual(Array.from({ length: count }, (_, i) => `label-${i}`));
      for (const l of file.labels) {
        expect(l.rev).toBe(2);
        expect(file.revisions[1].text.slice(l.start, l.end)).toBe(`item ${l.id.slice('label-'.length)}`);
      }
      expect(file.revisions[0].labels).toHaveLength(count);
    } finally {
      await t.cleanup();
    }
  });
});
