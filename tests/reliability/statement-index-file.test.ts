/**
 * The statement index kept beside the documents (<dataDir>/index/statements.json): a restart takes
 * the matches of unchanged documents from it instead of aligning them again; a document changed
 * meanwhile is matched afresh; a damaged file is reported and ignored. In every case the statements
 * equal those of a build from the documents alone.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { startTestApp } from '../helpers/app.js';
import { CompareService } from '../../server/services/compare.js';
import { statementIndexPath } from '../../server/store/index-files.js';
import { makeLabel } from '../../server/domain/labels.js';

const TURAN = '001_b1fe9c773694e9ae';

describe('the statement index file', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let file: string;
  beforeEach(async () => {
    t = await startTestApp({ seeds: true });
    file = statementIndexPath(t.dataDir);
  });
  afterEach(() => t.cleanup());

  const fresh = async () => (await new CompareService(t.store).snapshot()).clusters;

  test('when the index was written and nothing changed, then a restart aligns no pair again and finds the same statements', async () => {
    const first = new CompareService(t.store, { storage: t.store.statementIndex });
    const built = await first.snapshot();
    await first.save();
    const stored = JSON.parse(await readFile(file, 'utf8'));
    expect(stored.version).toBe(1);
    expect(stored.matches.length).toBeGreaterThan(0);
    expect(first.firstBuildAligned).toBeGreaterThan(0);

    const restarted = new CompareService(t.store, { storage: t.store.statementIndex });
    expect((await restarted.snapshot()).clusters).toEqual(built.clusters);
    // Every stored match is taken as it is; only candidate pairs that did not match are tried again.
    expect(restarted.firstBuildAligned).toBe(first.firstBuildAligned - stored.matches.length);
  });

  test('when a document changed after the index was written, then its pairs are aligned again and the statements follow the change', async () => {
    const first = new CompareService(t.store, { storage: t.store.statementIndex });
    await first.snapshot();
    await first.save();
    await t.store.update(TURAN, (d) => {
      const text = d.revisions[d.revisions.length - 1].text.replace('rest, refit, and eventually re-attack', 'wait');
      d.revisions.push({ rev: d.revisions.length + 1, text, createdAt: '2026-01-01T00:00:00.000Z', author: 'tester', message: 'edit' });
      d.labels = [];
    });
    const restarted = new CompareService(t.store, { storage: t.store.statementIndex });
    const after = await restarted.snapshot();
    expect(after.clusters).toEqual(await fresh());
    expect(restarted.firstBuildAligned).toBeGreaterThan(0);
  });

  test('when a label is saved, then the file written after it holds the document\'s new key and a restart equals a fresh build', async () => {
    const first = new CompareService(t.store, { storage: t.store.statementIndex, saveDelayMs: 0 });
    await first.snapshot();
    await t.store.update(TURAN, (d) => {
      d.labels.push(makeLabel(d, { id: randomUUID(), type: 'opinion', start: 635, end: 672 }, 'tester', '2026-01-01T00:00:00.000Z'));
    });
    await first.snapshot();
    await first.save();
    const stored = JSON.parse(await readFile(file, 'utf8'));
    const restarted = new CompareService(t.store, { storage: t.store.statementIndex });
    expect((await restarted.snapshot()).clusters).toEqual(await fresh());
    const plain = new CompareService(t.store);
    await plain.snapshot();
    expect(restarted.firstBuildAligned).toBe(plain.firstBuildAligned - stored.matches.length);
  });

  test.each([
    ['not JSON', () => '{"version": 1, "keys": {'],
    ['another version', () => JSON.stringify({ version: 99, keys: {}, matches: [] })],
    ['a malformed match', () => JSON.stringify({ version: 1, keys: { a: 'x' }, matches: [['a', 0, 'a', 1, 5, 2, 0, 1, 1]] })],
  ])('when the file is damaged (%s), then it is reported, ignored, and the statements equal a fresh build', async (_name, content) => {
    const before = new CompareService(t.store, { storage: t.store.statementIndex });
    await before.snapshot();
    await before.save();
    await writeFile(file, content());
    const warnings: string[] = [];
    const service = new CompareService(t.store, { storage: t.store.statementIndex, warn: (m) => warnings.push(m) });
    expect((await service.snapshot()).clusters).toEqual(await fresh());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('it is rebuilt from the documents');
    expect(service.firstBuildAligned).toBeGreaterThan(0);
  });

  test('when stored matches point at passages that no longer fit the documents, then they are not trusted', async () => {
    const first = new CompareService(t.store, { storage: t.store.statementIndex });
    await first.snapshot();
    await first.save();
    const stored = JSON.parse(await readFile(file, 'utf8'));
    // Keys unchanged, word ranges past the passages' ends: such a match cannot be taken, the pair is aligned again.
    for (const m of stored.matches) {
      m[5] += 10_000;
      m[7] += 10_000;
    }
    await writeFile(file, JSON.stringify(stored));
    const service = new CompareService(t.store, { storage: t.store.statementIndex });
    expect((await service.snapshot()).clusters).toEqual(await fresh());
  });
});
