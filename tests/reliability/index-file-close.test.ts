/**
 * Closing the data folder while the statement index file is written in the background: the write
 * pauses between slices of its encoding while documents change (CompareService `pacer`, for minutes
 * at most), so a shutdown neither waits for it nor lets it write after the folder is closed. A write
 * still encoding is given up at its next slice: the file on disk stays the one before, byte for
 * byte, and no temporary file is left; writes asked for after closing are refused.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore } from '../../server/store/document-store.js';
import { IndexWriteAbandoned, STATEMENT_INDEX_VERSION, StatementIndexFile, statementIndexPath, type StoredStatementIndex } from '../../server/store/index-files.js';

/** An index of `n` documents of 40 words each: enough to encode for more than one slice (20 ms). */
function storedIndex(n: number): StoredStatementIndex {
  const words = Array.from({ length: 1000 }, (_, i) => `w${i}`);
  const documents = Array.from({ length: n }, (_, d) => {
    const ids = Array.from({ length: 40 }, (_, k) => (d * 7 + k) % words.length);
    return { id: `doc-${String(d).padStart(6, '0')}`, key: `k${d}`, words: ids, starts: ids.map((_, k) => k * 6), ends: ids.map((_, k) => k * 6 + 5), passages: [{ kind: 'sentence' as const, start: 0, end: 239 }] };
  });
  return { version: STATEMENT_INDEX_VERSION, words, documents, matches: [] };
}

/** A pace that reports being reached and never lets the write go on (a background write held back by changing documents). */
function heldPace() {
  let reached = false;
  let onReach: () => void = () => undefined;
  const wasReached = new Promise<void>((resolve) => (onReach = resolve));
  return {
    pace: () => {
      reached = true;
      onReach();
      return new Promise<void>(() => undefined);
    },
    wasReached,
    reached: () => reached,
  };
}

describe('closing the data folder during a background write of the statement index file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'framewise-index-close-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('when the file is closed while a write is held back between two slices, then close() returns, the write is given up, the old file is left byte for byte with no temporary file, and later writes are refused', async () => {
    const file = new StatementIndexFile(statementIndexPath(dir));
    await file.write(storedIndex(3));
    const before = await readFile(file.file);

    const held = heldPace();
    const write = file.write(storedIndex(60_000), held.pace);
    const outcome = write.then(
      () => 'written',
      (err: Error) => err.name,
    );
    await Promise.race([held.wasReached, outcome]);
    expect(held.reached()).toBe(true);

    await file.close();
    expect(await outcome).toBe('IndexWriteAbandoned');
    await expect(file.write(storedIndex(2))).rejects.toBeInstanceOf(IndexWriteAbandoned);
    expect(await readFile(file.file)).toEqual(before);
    expect(await readdir(join(dir, 'index'))).toEqual(['statements.json']);
  }, 60_000);

  test('when the document store is closed while its statement index write is held back, then the write is given up and nothing is written after the close', async () => {
    const store = await DocumentStore.open(dir, { searchIndex: 'lazy' });
    await store.statementIndex.write(storedIndex(3));
    const before = await readFile(statementIndexPath(dir));

    const held = heldPace();
    let releasePace: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (releasePace = resolve));
    const write = store.statementIndex.write(storedIndex(60_000), async () => {
      void held.pace();
      await released; // let go only after the store is closed: a write that outlived close() would now land
    });
    const outcome = write.then(
      () => 'written',
      (err: Error) => err.name,
    );
    await Promise.race([held.wasReached, outcome]);
    expect(held.reached()).toBe(true);

    await store.close();
    releasePace();
    expect(await outcome).toBe('IndexWriteAbandoned');
    expect(await readFile(statementIndexPath(dir))).toEqual(before);
    expect((await readdir(join(dir, 'index'))).filter((n) => n.includes('statements'))).toEqual(['statements.json']);
  }, 60_000);
});
