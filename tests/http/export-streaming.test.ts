import { startTestApp } from '../helpers/app.js';
import { createDocument } from '../../server/domain/documents.js';
import { exportStream } from '../../server/services/export.js';
import { NO_FILTER } from '../../server/domain/formats/filters.js';

describe('export streaming', () => {
  test.each(['jsonl', 'conll', 'brat'] as const)('when a %s export of 300 documents starts, then its first bytes are out before the last document is read', async (format) => {
    const app = await startTestApp();
    for (let i = 0; i < 300; i++) {
      const id = `doc-${String(i).padStart(4, '0')}`;
      await app.store.create(createDocument({ id, body: `Document ${i}. “Quote ${i},” she said.\n`.repeat(40), format: 'text', author: 't', now: '2026-01-01T00:00:00.000Z' }));
    }
    const out = exportStream(app.store, app.project, { format, filter: NO_FILTER });
    const iterator = out.stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    const readAtFirstByte = out.report.documents;
    expect(readAtFirstByte).toBeGreaterThan(0);
    expect(readAtFirstByte).toBeLessThan(300);
    while (!(await iterator.next()).done);
    expect(out.report.documents).toBe(300);
    await app.cleanup();
  });
});
