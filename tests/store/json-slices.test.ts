import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { emitJsonSlices, stringifyInSlices } from '../../server/store/json-slices.js';
import { DocumentStore } from '../../server/store/document-store.js';
import { COMPRESS_FROM_BYTES } from '../../server/store/history-codec.js';
import type { DocumentRecord, Label } from '../../server/domain/types.js';
import { tempDataDir } from '../helpers/app.js';
import { makeDoc } from './repository-contract.js';

// The sliced serialiser must give exactly the bytes of JSON.stringify: document files written by
// it are read by older code and compared byte for byte by backups.

const NOW = '2026-01-02T03:04:05.000Z';
const BIG = 'Plain words of a long article, "said" the minister — ünïcødé 🙂\n'.repeat(Math.ceil(COMPRESS_FROM_BYTES / 40) + 10);

function label(i: number, rev: number): Label {
  return {
    id: `l-${i}`, type: i % 2 ? 'opinion' : 'claim', start: 0, end: 5, rev,
    quote: { exact: 'Plain', prefix: '', suffix: ' words "of"' },
    annotator: 'tester', createdAt: NOW, updatedAt: NOW, anchor: { state: 'exact', method: 'created', fromRev: rev },
    ...(i % 3 ? { note: `note ${i}: <b>&</b> \u2028 \\ 🙂` } : {}),
  } as Label;
}

function revise(d: DocumentRecord, text: string): void {
  const superseded = d.revisions[d.revisions.length - 1];
  superseded.labels = d.labels;
  d.revisions.push({ rev: superseded.rev + 1, text, createdAt: NOW, author: 't', message: 'm' });
  d.labels = d.labels.map((l) => ({ ...l, rev: superseded.rev + 1 }));
}

describe('sliced JSON serialisation', () => {
  const cases: [string, unknown][] = [
    ['a number', 42],
    ['a string with quotes, escapes, a line separator and an emoji', 'a "b" \\ \n \u2028 🙂'],
    ['null', null],
    ['an empty object and array', { a: {}, b: [] }],
    ['a long array with undefined, a function and a symbol (null in arrays)', Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? undefined : i % 4 === 1 ? () => 1 : i % 4 === 2 ? Symbol('s') : { i }))],
    ['an object with undefined, function and symbol values (left out) beside a long array', { a: undefined, f: () => 1, s: Symbol('s'), list: Array.from({ length: 30 }, (_, i) => i), z: 'last' }],
    ['an object whose first key is left out', { a: undefined, list: Array.from({ length: 30 }, (_, i) => [i, `${i}`]) }],
    ['dates (toJSON) inside a long array', Array.from({ length: 20 }, (_, i) => new Date(Date.UTC(2026, 0, i + 1)))],
    ['nested long arrays', { a: Array.from({ length: 20 }, (_, i) => ({ inner: Array.from({ length: 20 }, (_, j) => i * j) })) }],
    ['a value whose toJSON returns undefined (left out)', { x: { toJSON: () => undefined }, list: Array.from({ length: 20 }, () => 1) }],
    ['a short array holding a long string with surrogate pairs at every cut', [1, '🙂'.repeat(100_000), 'x' + '🙂'.repeat(70_000)]],
    ['long arrays mixing small items and items holding long arrays', Array.from({ length: 200 }, (_, i) => (i % 50 === 7 ? { big: Array.from({ length: 40 }, () => i) } : i % 3 ? i : undefined))],
    ['numeric-like keys (in the order JSON.stringify uses)', { b: 1, 2: 'two', a: Array.from({ length: 20 }, () => 0), 1: 'one' }],
  ];
  it.each(cases)('when the value is %s, then the text equals JSON.stringify, cut into slices or not', async (_name, value) => {
    expect(await stringifyInSlices(value, { budgetMs: 0 })).toBe(JSON.stringify(value));
    expect(await stringifyInSlices(value)).toBe(JSON.stringify(value));
  });

  it('when the value has a cycle, then it throws as JSON.stringify does', async () => {
    const a: Record<string, unknown> = { list: Array.from({ length: 20 }, () => 1) };
    (a.list as unknown[]).push(a);
    await expect(stringifyInSlices(a)).rejects.toThrow(TypeError);
    await expect(stringifyInSlices(undefined)).rejects.toThrow(TypeError);
  });

  it('when a large value is serialised, then other callbacks run between its slices', async () => {
    const value = { labels: Array.from({ length: 2000 }, (_, i) => label(i, 1)) };
    let turns = 0;
    let done = false;
    const tick = () => setImmediate(() => {
      if (done) return;
      turns++;
      tick();
    });
    tick();
    const pieces: string[] = [];
    await emitJsonSlices(value, (p) => void pieces.push(p), { budgetMs: 0 });
    done = true;
    // 2,000 labels are cut every 64 items, and budgetMs 0 gives a turn at every cut.
    expect(turns).toBeGreaterThanOrEqual(30);
    expect(pieces.length).toBeGreaterThanOrEqual(30);
    expect(pieces.join('')).toBe(JSON.stringify(value));
  });

  describe('on document files the store writes', () => {
    let dataDir: string;
    let store: DocumentStore;
    beforeEach(async () => {
      dataDir = await tempDataDir();
      store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    });
    afterEach(() => rm(dataDir, { recursive: true, force: true }));

    it('when a document has many labels, events and gzipped older revisions, then its file is exactly JSON.stringify of what it holds', async () => {
      await store.create(makeDoc('big', { title: 'Budget "2026"' }, `${BIG} v1`));
      await store.update('big', (d) => {
        for (let i = 0; i < 300; i++) d.labels.push(label(i, 1));
        d.events.push(...Array.from({ length: 50 }, (_, i) => ({ at: NOW, actor: 'tester', kind: 'label.created' as const, labelId: `l-${i}` })));
      });
      for (let v = 2; v <= 4; v++) await store.update('big', (d) => revise(d, `${BIG} v${v}`));
      const text = await readFile(join(dataDir, 'documents', 'big.json'), 'utf8');
      const stored = JSON.parse(text) as { revisions: { textGz?: string; labels?: unknown[] }[]; labels: unknown[] };
      // The file really holds what the slicing cuts: gzipped older revisions with label snapshots, 300 labels.
      expect(stored.revisions.filter((r) => typeof r.textGz === 'string')).toHaveLength(3);
      expect(stored.revisions[1].labels).toHaveLength(300);
      expect(stored.labels).toHaveLength(300);
      expect(text).toBe(JSON.stringify(stored));
      expect(await stringifyInSlices(stored, { budgetMs: 0 })).toBe(text);
      // And the store reads it back as it was.
      const reopened = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
      const doc = (await reopened.getDocument('big'))!;
      expect(doc.revisions.map((r) => r.text)).toEqual([1, 2, 3, 4].map((v) => `${BIG} v${v}`));
      expect(doc.labels).toHaveLength(300);
    });
  });
});
