/**
 * The statement index kept beside the documents (<dataDir>/index/statements.json): a restart puts
 * back what the index held of every unchanged document (word ids, ranges, passages) and the
 * matches, so the first /api/compare answers at once with the same statements; a document changed
 * while the server was down is the only one indexed again; a damaged or older snapshot is
 * reported and rebuilt from the documents. In every case the statements equal a fresh build.
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { snapshotDir, startTestApp } from '../helpers/app.js';
import { CompareService } from '../../server/services/compare.js';
import { compareServiceOf } from '../../server/services/outlets.js';
import { serializeStatementIndex, statementIndexPath, storedIndexProblem } from '../../server/store/index-files.js';
import { DocumentStore } from '../../server/store/document-store.js';
import { makeLabel } from '../../server/domain/labels.js';
import { createDocument } from '../../server/domain/documents.js';

const TURAN = '001_b1fe9c773694e9ae';
type App = Awaited<ReturnType<typeof startTestApp>>;

/** Documents and exact spans of every statement /api/compare lists, in its order. */
const groups = (body: { renderings: { documentId: string; start: number; end: number; text: string }[] }[]) =>
  body.map((c) => c.renderings.map((r) => `${r.documentId}:${r.start}-${r.end}:${r.text}`));

describe('the statement index kept between runs', () => {
  let dataDir: string;
  let first: App;
  /** Groups /api/compare listed, and all the statements the index held, before the restart. */
  let before: ReturnType<typeof groups>;
  let beforeAll: ReturnType<typeof groups>;
  const opened: { close(): Promise<void> }[] = [];

  /** A server over the seeds that answered /api/compare, wrote its index and was stopped. */
  beforeEach(async () => {
    first = await startTestApp({ seeds: true });
    dataDir = first.dataDir;
    const res = await first.http.get('/api/compare').expect(200);
    before = groups(res.body);
    expect(before.length).toBeGreaterThan(0);
    beforeAll = groups(compareServiceOf(first.store).latest!.clusters);
    await compareServiceOf(first.store).save();
    await first.store.close();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const restart = async () => {
    const t = await startTestApp({ dataDir });
    opened.push(t.store);
    return t;
  };
  /** Statements of a build from the documents alone. */
  const service = async (t: App) => (await new CompareService(t.store).snapshot()).clusters;
  const fresh = async (t: App) => groups(await service(t));

  test('when nothing changed while the server was down, then the first /api/compare answers ready with the same groups, and no document is indexed again', async () => {
    const t = await restart();
    const res = await t.http.get('/api/compare').expect(200);
    expect(res.headers['statement-index']).toBe('ready');
    expect(groups(res.body)).toEqual(before);
    const service = compareServiceOf(t.store);
    expect(service.start).toEqual({ restored: t.store.count, reindexed: 0 });
    expect(service.firstBuildAligned).toBe(0);
    // Nothing to add to the stored file: it is not written again (a write replaces it: a new inode).
    const ino = (await stat(file())).ino;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await service.settle();
    expect((await stat(file())).ino).toBe(ino);
  });

  test('when a snapshot is stored, then answer() is ready at once even for more documents than a first build is waited for; without one it says building', async () => {
    // waitForBuildOf 1: a first build of the five seeds would answer "building"; their restore is waited for.
    const t = await restart();
    const restored = new CompareService(t.store, { storage: t.store.statementIndex, waitForBuildOf: 1 });
    const a = await restored.answer();
    expect(a.state).toBe('ready');
    expect(a.state === 'ready' && groups(a.snapshot.clusters)).toEqual(beforeAll);
    const cold = new CompareService(t.store, { waitForBuildOf: 1 });
    expect((await cold.answer()).state).toBe('building');
  });

  test('when the stored snapshot holds more documents than a restore is waited for, then answer() says building with its progress, and the restore then equals the stored statements', async () => {
    const t = await restart();
    const big = new CompareService(t.store, { storage: t.store.statementIndex, waitForBuildOf: 1, waitForRestoreOf: t.store.count - 1 });
    expect(await big.answer()).toEqual({ state: 'building', done: 0, total: t.store.count });
    expect(groups((await big.snapshot()).clusters)).toEqual(beforeAll);
    expect(big.start).toEqual({ restored: t.store.count, reindexed: 0 });
  });

  test('when one document was revised while the server was down, then only it is indexed again and the groups equal a fresh build', async () => {
    const offline = await DocumentStore.open(dataDir);
    await offline.update(TURAN, (d) => {
      const text = d.revisions[d.revisions.length - 1].text.replace('rest, refit, and eventually re-attack', 'wait');
      d.revisions.push({ rev: d.revisions.length + 1, text, createdAt: '2026-01-01T00:00:00.000Z', author: 'tester', message: 'edit' });
      d.labels = [];
    });
    await offline.close();
    const t = await restart();
    const res = await t.http.get('/api/compare').expect(200);
    expect(res.headers['statement-index']).toBe('ready');
    expect(groups(res.body)).toEqual(groups((await service(t)).filter((c) => c.documentCount >= 2)));
    expect(groups(res.body)).not.toEqual(before);
    expect(groups(compareServiceOf(t.store).latest!.clusters)).toEqual(await fresh(t));
    expect(compareServiceOf(t.store).start).toEqual({ restored: t.store.count - 1, reindexed: 1 });
  });

  test('when a label was saved while the server was down, then only that document is indexed again and the groups equal a fresh build', async () => {
    const offline = await DocumentStore.open(dataDir);
    await offline.update(TURAN, (d) => {
      d.labels.push(makeLabel(d, { id: randomUUID(), type: 'opinion', start: 635, end: 672 }, 'tester', '2026-01-01T00:00:00.000Z'));
    });
    await offline.close();
    const t = await restart();
    const res = await t.http.get('/api/compare').expect(200);
    expect(groups(res.body)).toEqual(groups((await service(t)).filter((c) => c.documentCount >= 2)));
    expect(groups(compareServiceOf(t.store).latest!.clusters)).toEqual(await fresh(t));
    expect(compareServiceOf(t.store).start).toEqual({ restored: t.store.count - 1, reindexed: 1 });
  });

  test('when a label is saved while running, then the snapshot written after it holds the document\'s new key, and a restart restores every document and equals a fresh build', async () => {
    const t = await restart();
    const service = new CompareService(t.store, { storage: t.store.statementIndex, saveDelayMs: 0 });
    await service.snapshot();
    await t.store.update(TURAN, (d) => {
      d.labels.push(makeLabel(d, { id: randomUUID(), type: 'opinion', start: 635, end: 672 }, 'tester', '2026-01-01T00:00:00.000Z'));
    });
    await service.snapshot();
    await service.save();
    const restarted = new CompareService(t.store, { storage: t.store.statementIndex });
    expect(groups((await restarted.snapshot()).clusters)).toEqual(await fresh(t));
    expect(restarted.start).toEqual({ restored: t.store.count, reindexed: 0 });
  });

  test('when a label is saved while the index file is being gathered, then the write still happens and holds the document as saved; a restart re-indexes nothing', async () => {
    const t = await restart();
    // Enough documents that gathering, with a turn of the event loop after each record, outlasts the update below.
    for (let d = 0; d < 200; d++) {
      await t.store.create(createDocument({ id: `filler-${String(d).padStart(3, '0')}`, body: `Filler number ${d} about harbour dredging costs, council budgets and ferry timetables.`, format: 'text', meta: { title: `Filler ${d}` }, author: 'test', now: '2026-01-01T00:00:00.000Z' }));
    }
    const service = new CompareService(t.store, { storage: t.store.statementIndex, saveDelayMs: 600_000, gatherSliceMs: 0 });
    await service.snapshot();
    await service.save();
    const written = (await readFile(file(), 'utf8')).length;
    await t.store.update(TURAN, (d) => {
      d.labels.push(makeLabel(d, { id: randomUUID(), type: 'opinion', start: 635, end: 672 }, 'tester', '2026-01-01T00:00:00.000Z'));
    });
    const saving = service.save();
    await new Promise((resolve) => setImmediate(resolve));
    const updated = service.snapshot();
    await Promise.all([saving, updated]);
    // The update ran while the records were gathered: the file holds TURAN with its new label.
    expect((await readFile(file(), 'utf8')).length).not.toBe(written);
    const restarted = new CompareService(t.store, { storage: t.store.statementIndex });
    expect(groups((await restarted.snapshot()).clusters)).toEqual(await fresh(t));
    expect(restarted.start).toEqual({ restored: t.store.count, reindexed: 0 });
  });

  test('when documents keep changing, then the background write of the index file holds back while they change and writes once they stop (or the service settles); with no pause allowed it writes at once', async () => {
    const t = await restart();
    const writtenAt: number[] = [];
    const storage = {
      read: (warn?: (m: string) => void) => t.store.statementIndex.read(warn),
      write: async (data: Parameters<typeof t.store.statementIndex.write>[0], pace?: () => Promise<void>) => {
        await t.store.statementIndex.write(data, pace);
        writtenAt.push(performance.now());
      },
    };
    const label = (d: Parameters<Parameters<typeof t.store.update>[1]>[0]) => {
      d.labels.push(makeLabel(d, { id: randomUUID(), type: 'opinion', start: 635, end: 672 }, 'tester', '2026-01-01T00:00:00.000Z'));
    };
    const service = new CompareService(t.store, { storage, saveDelayMs: 0, saveQuietMs: 2_000, gatherSliceMs: 0 });
    await service.snapshot();
    await t.store.update(TURAN, label);
    await service.snapshot(); // indexes the change and starts the background write at once (saveDelayMs 0)
    let lastChange = 0;
    for (let i = 0; i < 8; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await t.store.update(TURAN, label);
      lastChange = performance.now();
    }
    expect(writtenAt).toEqual([]);
    await service.settle();
    expect(service.writePauses).toBeGreaterThan(0);
    // Written (after the restore and after the update: one write or two), and only once the changes had stopped.
    expect(writtenAt.length).toBeGreaterThanOrEqual(1);
    for (const at of writtenAt) expect(at).toBeGreaterThan(lastChange);
    const before = writtenAt.length;

    const eager = new CompareService(t.store, { storage, saveDelayMs: 0, saveQuietMs: 2_000, savePauseMaxMs: 0 });
    await eager.snapshot();
    await t.store.update(TURAN, label);
    await eager.snapshot();
    await eager.settle();
    expect(eager.writePauses).toBe(0);
    expect(writtenAt.length).toBeGreaterThan(before);
  });

  const file = () => statementIndexPath(dataDir);
  test.each([
    ['not JSON', async () => '{"version": 2, "words": ['],
    ['the older version 1 (matches only)', async () => JSON.stringify({ version: 1, keys: { [TURAN]: 'x' }, matches: [] })],
    ['a payload changed behind its checksum', async () => (await readFile(file(), 'utf8')).replace(/"checksum":"[0-9a-f]+"/, '"checksum":"00000000"')],
    [
      'matches that do not fit the documents',
      async () => {
        const stored = storedIndexProblem(await readFile(file(), 'utf8'));
        if (typeof stored === 'string') throw new Error(stored);
        for (const m of stored.matches) m[5] += 10_000;
        return serializeStatementIndex(stored);
      },
    ],
    [
      'word ranges past the end of a document',
      async () => {
        const stored = storedIndexProblem(await readFile(file(), 'utf8'));
        if (typeof stored === 'string') throw new Error(stored);
        const d = stored.documents.find((x) => x.id === TURAN)!;
        (d.ends as Uint32Array)[d.ends.length - 1] += 1_000_000;
        return serializeStatementIndex(stored);
      },
    ],
  ])('when the snapshot is damaged (%s), then it is reported once, rebuilt from the documents, and the groups and documents are unchanged', async (_name, content) => {
    await writeFile(file(), await content());
    const t = await restart();
    const documents = await snapshotDir(dataDir);
    const warnings: string[] = [];
    const service = new CompareService(t.store, { storage: t.store.statementIndex, warn: (m) => warnings.push(m) });
    expect(groups((await service.snapshot()).clusters)).toEqual(beforeAll);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('it is rebuilt from the documents');
    expect(service.start).toEqual({ restored: 0, reindexed: t.store.count });
    expect(await snapshotDir(dataDir)).toEqual(documents);
  });
});
