import { rm } from 'node:fs/promises';
import { DocumentStore } from '../../server/store/document-store.js';
import { knownSpeakersFor, labelSpeakers, whenIdle } from '../../server/services/suggestions.js';
import { tempDataDir } from '../helpers/app.js';
import { makeDoc } from '../store/repository-contract.js';

const NOW = '2026-01-02T03:04:05.000Z';

/**
 * The editor asks for the corpus's known speakers on every page: the answer is computed once per
 * corpus generation (no walk over every document's summary per request), and any change is seen
 * by the next request.
 */
describe('known speakers per corpus generation', () => {
  let dataDir: string;
  let store: DocumentStore;
  beforeEach(async () => {
    dataDir = await tempDataDir();
    store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    await store.create(makeDoc('a', {}, 'Antony Blinken said so. Antony Blinken met them.'));
    await store.create(makeDoc('b', {}, 'Anthony Blinken arrived. Then Anthony Blinken left.'));
    await whenIdle(store);
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Every name an answer lists: speakers from labels, and the spellings read off the texts. */
  const names = (known: ReturnType<typeof knownSpeakersFor>) => known.flatMap((k) => (typeof k === 'string' ? [k] : [k.name, ...(k.aliases ?? [])]));

  const nameSpeaker = (id: string, speaker: string) => store.update(id, (draft) => {
    const text = draft.revisions[draft.revisions.length - 1].text;
    draft.labels.push({
      id: `l-${draft.labels.length + 1}`, type: 'direct-quote', start: 0, end: 7, rev: draft.revisions.length,
      quote: { exact: text.slice(0, 7), prefix: '', suffix: text.slice(7, 39) }, annotator: 'tester', createdAt: NOW, updatedAt: NOW,
      anchor: { state: 'exact', method: 'created', fromRev: draft.revisions.length }, speaker,
    });
  });

  it('when nothing changed in the corpus, then the same answer is given again without being computed anew', () => {
    const first = knownSpeakersFor(store);
    expect(names(first)).toEqual(expect.arrayContaining(['Antony Blinken', 'Anthony Blinken']));
    expect(knownSpeakersFor(store)).toBe(first);
    expect(labelSpeakers(store)).toBe(labelSpeakers(store));
  });

  it('when a label names a new speaker, then the next answer lists it first, most used first', async () => {
    const before = knownSpeakersFor(store);
    await nameSpeaker('a', 'Jane Roe');
    await nameSpeaker('b', 'John Doe');
    await nameSpeaker('a', 'John Doe');
    const after = knownSpeakersFor(store);
    expect(after).not.toBe(before);
    expect(labelSpeakers(store)).toEqual(['John Doe', 'Jane Roe']);
    expect(after.slice(0, 2)).toEqual(['John Doe', 'Jane Roe']);
  });

  it('when a document is deleted, then its speakers and its spellings are forgotten by the next answer', async () => {
    await nameSpeaker('a', 'Jane Roe');
    expect(names(knownSpeakersFor(store))).toEqual(['Jane Roe', 'Anthony Blinken', 'Antony Blinken']);
    await store.delete('a');
    await whenIdle(store);
    expect(names(knownSpeakersFor(store))).toEqual([]);
    expect(labelSpeakers(store)).toEqual([]);
  });
});
