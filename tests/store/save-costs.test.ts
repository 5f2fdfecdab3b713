import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DocumentStore } from '../../server/store/document-store.js';
import { COMPRESS_FROM_BYTES } from '../../server/store/history-codec.js';
import { MAX_INDEXED_CHARS } from '../../server/store/search-index.js';
import type { DocumentRecord, Label } from '../../server/domain/types.js';
import { tempDataDir } from '../helpers/app.js';
import { makeDoc } from './repository-contract.js';

// What a save of a document with a large history costs the store: what it re-indexes, what it
// compresses, and that the cheaper copies still keep callers away from the stored data.

const NOW = '2026-01-02T03:04:05.000Z';
const BIG = 'Plain words of a long article, said the minister. '.repeat(Math.ceil(COMPRESS_FROM_BYTES / 40) + 10);

function labelOn(doc: DocumentRecord, id: string): Label {
  const rev = doc.revisions.length;
  return {
    id, type: 'opinion', start: 0, end: 5, rev, quote: { exact: 'Plain', prefix: '', suffix: ' words of' },
    annotator: 'tester', createdAt: NOW, updatedAt: NOW, anchor: { state: 'exact', method: 'created', fromRev: rev },
  } as Label;
}

/** A new revision the way the revisions service makes one: the superseded labels kept on the old revision. */
function revise(d: DocumentRecord, text: string): void {
  const superseded = d.revisions[d.revisions.length - 1];
  superseded.labels = d.labels;
  d.revisions.push({ rev: superseded.rev + 1, text, createdAt: new Date().toISOString(), author: 't', message: 'm' });
  d.labels = d.labels.map((l) => ({ ...l, rev: superseded.rev + 1 }));
}

describe('the cost of a save with a large history', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await tempDataDir();
    store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    await store.buildSearchIndex();
    await store.create(makeDoc('big', { title: 'Budget' }, `${BIG} v1`));
    await store.update('big', (d) => d.labels.push(labelOn(d, 'l-1')));
    for (let v = 2; v <= 4; v++) await store.update('big', (d) => revise(d, `${BIG} v${v}`));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('when only a label is saved, then the search index does not index the document again', async () => {
    const before = store.searchIndexedDocuments;
    await store.update('big', (d) => d.labels.push(labelOn(d, 'l-2')));
    await store.update('big', (d) => { d.labels[0].note = 'checked'; });
    expect(store.searchIndexedDocuments).toBe(before);
  });

  it('when the text is revised or the title changes, then the document is indexed again and found by its new words', async () => {
    const before = store.searchIndexedDocuments;
    await store.update('big', (d) => revise(d, `${BIG} zanzibarish`));
    expect(store.searchIndexedDocuments).toBe(before + 1);
    await store.update('big', (d) => { d.meta.title = 'Budget, corrected'; });
    expect(store.searchIndexedDocuments).toBe(before + 2);
    expect((await store.search('zanzibarish')).items.map((h) => h.summary.id)).toEqual(['big']);
    expect((await store.search('corrected')).items.map((h) => h.summary.id)).toEqual(['big']);
  });

  it('when a text is longer than the indexed part, then its words up to the limit are found and words only beyond it are not', async () => {
    const long = `${'alpha '.repeat(Math.ceil(MAX_INDEXED_CHARS / 6))} omegaword`;
    await store.create(makeDoc('long', { title: 'Long one' }, long));
    expect((await store.search('alpha')).items.map((h) => h.summary.id)).toEqual(['long']);
    expect((await store.search('omegaword')).items).toEqual([]);
  });

  it('when labels are saved and a revision added, then each older revision was compressed exactly once', async () => {
    // Revisions 1 to 3 became older once each while the history was built.
    expect(store.compressedRevisions).toBe(3);
    for (let i = 2; i <= 6; i++) await store.update('big', (d) => d.labels.push(labelOn(d, `l-${i}`)));
    expect(store.compressedRevisions).toBe(3);
    await store.update('big', (d) => revise(d, `${BIG} v5`));
    expect(store.compressedRevisions).toBe(4);
    const onDisk = JSON.parse(await readFile(join(dataDir, 'documents', 'big.json'), 'utf8'));
    expect(onDisk.revisions.map((r: { textGz?: string }) => typeof r.textGz)).toEqual(['string', 'string', 'string', 'string', 'undefined']);
    const again = await DocumentStore.open(dataDir, { searchIndex: 'lazy', readOnly: true });
    expect((await again.getDocument('big'))!.revisions.map((r) => r.text.slice(-3))).toEqual([' v1', ' v2', ' v3', ' v4', ' v5']);
  });

  it('when a caller changes an older revision or its labels on a returned copy, then the store still reads as before', async () => {
    const copy = (await store.getDocument('big'))!;
    copy.revisions[0].text = 'changed by a caller';
    copy.revisions[0].labels![0].note = 'changed by a caller';
    copy.revisions[1].labels = [];
    copy.revisions[3].text = 'changed too';
    const answered = (await store.update('big', (d) => d.labels.push(labelOn(d, 'l-9'))))!.doc;
    answered.revisions[2].labels![0].type = 'changed-by-a-caller';
    const read = (await store.getDocument('big'))!;
    expect(read.revisions.map((r) => r.text.slice(-3))).toEqual([' v1', ' v2', ' v3', ' v4']);
    expect(read.revisions[0].labels![0].note).toBeUndefined();
    expect(read.revisions.slice(0, 3).map((r) => r.labels!.map((l) => l.type))).toEqual([['opinion'], ['opinion'], ['opinion']]);
    const onDisk = JSON.parse(await readFile(join(dataDir, 'documents', 'big.json'), 'utf8'));
    expect(onDisk.revisions.slice(0, 3).map((r: { labels: Label[] }) => r.labels.map((l) => [l.type, l.note ?? null]))).toEqual([[['opinion', null]], [['opinion', null]], [['opinion', null]]]);
  });

  it('when a mutator changes the labels an older revision kept, then that change is saved and the others are not touched', async () => {
    await store.update('big', (d) => { d.revisions[1].labels![0].type = 'claim'; });
    const read = (await store.getDocument('big'))!;
    expect(read.revisions.slice(0, 3).map((r) => r.labels!.map((l) => l.type))).toEqual([['opinion'], ['claim'], ['opinion']]);
    const again = await DocumentStore.open(dataDir, { searchIndex: 'lazy', readOnly: true });
    expect((await again.getDocument('big'))!.revisions[1].labels![0].type).toBe('claim');
  });
});
