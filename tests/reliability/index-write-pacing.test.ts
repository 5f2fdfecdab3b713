/**
 * The background write of the statement index file gives way to an update of the index: while an
 * update runs (an import being indexed) the write pauses, so the pages answered meanwhile from the
 * last consistent index share the main thread with the update only (README "Benchmarks → Scale":
 * after a first build at 100,000 documents the write took 27% of the main thread while an import
 * was indexed). The file written is the index as updated.
 */
import { randomUUID } from 'node:crypto';
import { startTestApp } from '../helpers/app.js';
import { createDocument } from '../../server/domain/documents.js';
import { makeLabel } from '../../server/domain/labels.js';
import { CompareService, INDEX_CHUNK } from '../../server/services/compare.js';
import { QUOTABLE_SENTENCES } from '../helpers/quotable-sentences.js';

const NOW = '2026-01-01T00:00:00.000Z';
const textOf = (d: number) => `${QUOTABLE_SENTENCES[d % QUOTABLE_SENTENCES.length]} ${QUOTABLE_SENTENCES[(d * 7 + 3) % QUOTABLE_SENTENCES.length]}`;

describe('background write of the statement index file during an update', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.cleanup());

  test('when an update of the index starts while the file is being written, then the write pauses until the update is published, and the file holds the updated index', async () => {
    for (let d = 0; d < 8; d++) {
      await t.store.create(createDocument({ id: `doc-${d}`, body: textOf(d), format: 'text', meta: { title: `Doc ${d}`, outlet: 'Ledger' }, author: 'test', now: NOW }));
    }
    let publishedAt: number | undefined;
    let resumedAt: number | undefined;
    let written: string[] | undefined;
    let service: CompareService | undefined;
    let resumed: () => void = () => undefined;
    const writeResumed = new Promise<void>((resolve) => (resumed = resolve));
    const storage = {
      read: (warn?: (m: string) => void) => t.store.statementIndex.read(warn),
      write: async (data: Parameters<typeof t.store.statementIndex.write>[0], pace?: () => Promise<void>) => {
        if (publishedAt === undefined && resumedAt === undefined) {
          // An import while the file is encoded: more documents than one step of the update
          // (INDEX_CHUNK), so the update gives the event loop turns, and the write's next pause comes.
          for (let d = 0; d < INDEX_CHUNK + 10; d++) {
            await t.store.create(createDocument({ id: `extra-${String(d).padStart(3, '0')}`, body: `Extra ${d}. ${QUOTABLE_SENTENCES[d % QUOTABLE_SENTENCES.length]}`, format: 'text', meta: { title: `Extra ${d}` }, author: 'test', now: NOW }));
          }
          await t.store.update('doc-3', (d) => {
            d.labels.push(makeLabel(d, { id: randomUUID(), type: 'opinion', start: 0, end: 20 }, 'tester', NOW));
          });
          void service!.snapshot().then(() => (publishedAt = performance.now()));
          await pace!();
          resumedAt = performance.now();
          resumed();
        }
        // The first write holds the index as it was when its gathering ended: before the import.
        written ??= data.documents.map((r) => r.id);
        await t.store.statementIndex.write(data, pace);
      },
    };
    // No pause for documents changing (saveQuietMs 0): only the update holds the write back.
    service = new CompareService(t.store, { storage, saveDelayMs: 0, saveQuietMs: 0 });
    await service.snapshot(); // the first build schedules the write at once
    await writeResumed; // (settle() would end the write's pauses)
    await service.settle();
    expect(publishedAt).toBeDefined();
    expect(resumedAt).toBeGreaterThanOrEqual(publishedAt!);
    expect(service.writePauses).toBeGreaterThan(0);
    expect(written).toEqual(['doc-0', 'doc-1', 'doc-2', 'doc-3', 'doc-4', 'doc-5', 'doc-6', 'doc-7']);
    // The update's own write comes after: the file on disk holds the import and doc-3 with its label.
    await service.save();
    const fresh = new CompareService(t.store, { storage: t.store.statementIndex });
    await fresh.snapshot();
    expect(fresh.start).toEqual({ restored: 8 + INDEX_CHUNK + 10, reindexed: 0 });
  }, 60_000);
});
