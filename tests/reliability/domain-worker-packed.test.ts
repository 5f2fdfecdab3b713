/**
 * Documents sent to the worker thread for their statement index contribution carry only what the
 * job reads of their labels (services/domain-worker.ts packLabels): the contribution computed
 * there is the one computed from the whole labels on this thread.
 */
import { runJob, runJobInline, workerStats } from '../../server/services/domain-worker.js';
import type { Label } from '../../server/domain/types.js';

function label(id: string, start: number, end: number, text: string, state: Label['anchor']['state']): Label {
  return {
    id, type: 'direct-quote', start, end, rev: 1, quote: { exact: text.slice(start, end), prefix: text.slice(Math.max(0, start - 32), start), suffix: text.slice(end, end + 32) },
    speaker: 'The minister', cue: 'said', annotator: 'tester', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    anchor: { state, method: 'exact', fromRev: 1 },
  };
}

describe('contributions on the worker thread', () => {
  it('when a document with many labels (some orphaned, some past the text) is sent to the worker, then its contribution is the one computed inline', async () => {
    const sentence = 'The minister said the harbour bridge would reopen in May after repairs. ';
    const text = sentence.repeat(1500);
    const labels: Label[] = [];
    for (let i = 1499; i >= 0; i--) {
      const start = i * sentence.length;
      labels.push(label(`l${i}`, start + 18, start + sentence.length - 2, text, i % 7 === 0 ? 'orphaned' : 'exact'));
    }
    labels.push(label('past-end', text.length + 5, text.length + 10, text, 'exact'));
    const docs = [{ text, labels }, { text: 'A short text with no labels.', labels: [] }];
    const jobsBefore = workerStats.jobs;
    const onWorker = await runJob('contributions', docs, true);
    expect(workerStats.jobs).toBe(jobsBefore + 1);
    const inline = runJobInline('contributions', docs);
    expect(onWorker).toEqual(inline);
    // The labels that count are there: anchored ones within the text, by id.
    // Over 100,000 characters and 64 labels: the labels' order by start is computed there too.
    expect(inline[0].layout?.labelOrder).toHaveLength(1501);
    expect(inline[0].labelIds).toHaveLength(1500 - Math.ceil(1500 / 7));
  });
});
