/**
 * An export counts as foreground work while it streams (server/services/foreground.ts): the
 * background write of the statement index file holds back meanwhile (within its pause budget) and
 * goes on once the export ends or is abandoned.
 */
import { startTestApp } from '../helpers/app.js';
import { createDocument } from '../../server/domain/documents.js';
import { exportStream } from '../../server/services/export.js';
import { foregroundBusy } from '../../server/services/foreground.js';
import { CompareService } from '../../server/services/compare.js';
import { NO_FILTER } from '../../server/domain/formats/filters.js';
import { QUOTABLE_SENTENCES } from '../helpers/quotable-sentences.js';

const NOW = '2026-01-01T00:00:00.000Z';

describe('exports as foreground work', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeEach(async () => {
    t = await startTestApp();
    for (let d = 0; d < 40; d++) {
      // About 2 KB each: more than the export stream buffers ahead of its reader (16 KB).
      const body = `${QUOTABLE_SENTENCES[d % QUOTABLE_SENTENCES.length]} ${QUOTABLE_SENTENCES[(d * 3 + 1) % QUOTABLE_SENTENCES.length]}\n\n`.repeat(12);
      await t.store.create(createDocument({ id: `doc-${String(d).padStart(2, '0')}`, body, format: 'text', meta: { title: `Doc ${d}`, outlet: 'Ledger' }, author: 'test', now: NOW }));
    }
  });
  afterEach(() => t.cleanup());

  test('when an export is read to its end or abandoned half way, then it is foreground work from its first document until then', async () => {
    expect(foregroundBusy()).toBe(false);
    const whole = exportStream(t.store, t.project, { format: 'jsonl', filter: NO_FILTER });
    let lines = 0;
    let busyAtFirst: boolean | undefined;
    for await (const chunk of whole.stream) {
      busyAtFirst ??= foregroundBusy();
      lines += chunk.toString().split('\n').length - 1;
    }
    expect(busyAtFirst).toBe(true);
    expect(lines).toBe(40);
    expect(foregroundBusy()).toBe(false);

    const abandoned = exportStream(t.store, t.project, { format: 'jsonl', filter: NO_FILTER });
    const it = abandoned.stream[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    expect(foregroundBusy()).toBe(true);
    await it.return!();
    // The stream is destroyed, and its generators are closed in turn.
    for (let i = 0; i < 100 && foregroundBusy(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(foregroundBusy()).toBe(false);
  });

  test('when the index file is to be written while an export streams, then the write waits until the export ends, then writes', async () => {
    let paused: number | undefined;
    let exportEnded: number | undefined;
    let written = false;
    const out = exportStream(t.store, t.project, { format: 'jsonl', filter: NO_FILTER });
    const it = out.stream[Symbol.asyncIterator]();
    await it.next(); // the export has begun
    const storage = {
      read: (warn?: (m: string) => void) => t.store.statementIndex.read(warn),
      write: async (data: Parameters<typeof t.store.statementIndex.write>[0], pace?: () => Promise<void>) => {
        await pace!();
        paused = performance.now();
        await t.store.statementIndex.write(data, pace);
        written = true;
      },
    };
    // No pause for documents changing (saveQuietMs 0): only the export holds the write back.
    const service = new CompareService(t.store, { storage, saveDelayMs: 0, saveQuietMs: 0 });
    await service.snapshot(); // the first build schedules the write at once
    await new Promise((r) => setTimeout(r, 300));
    expect(paused).toBeUndefined();
    expect(service.writePauses).toBeGreaterThan(0);
    while (!(await it.next()).done);
    exportEnded = performance.now();
    await service.settle();
    expect(written).toBe(true);
    expect(paused).toBeGreaterThanOrEqual(exportEnded);
  });
});
