import { startTestApp } from '../helpers/app.js';
import { createDocument } from '../../server/domain/documents.js';
import { EXPORT_READ_AHEAD, exportStream } from '../../server/services/export.js';
import { writeFile } from 'node:fs/promises';
import { DocumentStore } from '../../server/store/document-store.js';
import { join } from 'node:path';
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

  const corpusOf = async (n: number) => {
    const app = await startTestApp();
    for (let i = 0; i < n; i++) {
      const id = `doc-${String(i).padStart(4, '0')}`;
      await app.store.create(createDocument({ id, body: `Document ${i}. “Quote ${i},” she said.\n`.repeat(5), format: 'text', author: 't', now: '2026-01-01T00:00:00.000Z' }));
    }
    return app;
  };

  test('when an export runs, then documents are read from disk several at a time, never more than EXPORT_READ_AHEAD ahead, in id order', async () => {
    const app = await corpusOf(120);
    // A cold read-only store (as `npm run export` opens one): every document comes from its file.
    const fresh = { store: await DocumentStore.open(app.dataDir, { readOnly: true, cacheBytes: 1, searchIndex: 'lazy' }), project: app.project };
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    const read = fresh.store.getDocument.bind(fresh.store);
    fresh.store.getDocument = async (id: string) => {
      asked.push(id);
      most = Math.max(most, ++inFlight);
      try {
        return await read(id);
      } finally {
        inFlight--;
      }
    };
    const out = exportStream(fresh.store, fresh.project, { format: 'jsonl', filter: NO_FILTER });
    let text = '';
    for await (const chunk of out.stream) text += chunk.toString();
    const ids = text.trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).toEqual(Array.from({ length: 120 }, (_, i) => `doc-${String(i).padStart(4, '0')}`));
    expect(asked).toEqual(ids);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(EXPORT_READ_AHEAD);
    await fresh.store.close();
    await app.cleanup();
  });

  test('when a document file read ahead is damaged on disk, then the export gives out every document before it and stops with an error naming that document', async () => {
    const app = await corpusOf(40);
    const fresh = { store: await DocumentStore.open(app.dataDir, { readOnly: true, cacheBytes: 1, searchIndex: 'lazy' }), project: app.project };
    await writeFile(join(app.dataDir, 'documents', 'doc-0010.json'), '{"not": "a document"');
    const out = exportStream(fresh.store, fresh.project, { format: 'jsonl', filter: NO_FILTER });
    let text = '';
    await expect(
      (async () => {
        for await (const chunk of out.stream) text += chunk.toString();
      })(),
    ).rejects.toThrow(/doc-0010/);
    expect(text.trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(Array.from({ length: 10 }, (_, i) => `doc-${String(i).padStart(4, '0')}`));
    await fresh.store.close();
    await app.cleanup();
  });

  test('when another job works in slices beside an export, then the export gives it a turn per slice of its work, not one per document', async () => {
    const app = await corpusOf(300);
    // The other job: a slice of 2 ms of work each turn of the event loop (as the index file's write does), until the export ends.
    let turns = 0;
    let done = false;
    const other = (async () => {
      while (!done) {
        const until = performance.now() + 2;
        while (performance.now() < until);
        turns++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const out = exportStream(app.store, app.project, { format: 'jsonl', filter: NO_FILTER });
    let lines = 0;
    for await (const chunk of out.stream) lines += chunk.toString().split('\n').length - 1;
    done = true;
    await other;
    expect(lines).toBe(300);
    // A turn after every document gave the other job at least 300 slices (600 ms of its work) during the export.
    expect(turns).toBeLessThan(100);
    await app.cleanup();
  });
});
