import { rm } from 'node:fs/promises';
import { DocumentStore } from '../../server/store/document-store.js';
import { knownSpeakersFor, whenIdle } from '../../server/services/suggestions.js';
import { commonNameForms, fullNameForms } from '../../server/domain/suggestions/speakers.js';
import { tempDataDir } from '../helpers/app.js';
import { makeDoc } from '../store/repository-contract.js';

/**
 * While the background pass reads the documents' name forms, every editor page asks for the known
 * speakers again (the pass learnt more): the answer is made from the counts the pass keeps, and
 * the catalogue (every document's summary) is walked only when the corpus itself changed. At
 * 100,000 documents that walk was most of an editor page's time (README, "Scale").
 */
describe('known speakers while the name forms are being read', () => {
  let dataDir: string;
  let store: DocumentStore;
  /** Walks of the catalogue made on behalf of knownSpeakersFor (the pass's own are not counted). */
  let walks: number;
  const texts: Record<string, string> = {
    a: 'Antony Blinken said so. Antony Blinken met them.',
    b: 'Anthony Blinken arrived. Then Anthony Blinken left.',
    c: 'Antony Blinken spoke with Maria Lopez. Maria Lopez agreed.',
    d: 'Marie Lopez disagreed, and Maria Lopez answered.',
  };
  beforeEach(async () => {
    dataDir = await tempDataDir();
    store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    for (const [id, text] of Object.entries(texts)) await store.create(makeDoc(id, {}, text));
    walks = 0;
    const summaries = store.summaries.bind(store);
    store.summaries = () => {
      if (new Error().stack!.includes('knownSpeakersFor')) walks++;
      return summaries();
    };
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const names = (known: ReturnType<typeof knownSpeakersFor>) => known.flatMap((k) => (typeof k === 'string' ? [k] : [k.name, ...(k.aliases ?? [])]));

  it('when the pass learns the forms and nothing in the corpus changes, then the catalogue is not walked again and the answer is the one counted from every text', async () => {
    expect(names(knownSpeakersFor(store))).toEqual([]); // nothing read yet: the pass starts (a walk for this generation)
    walks = 0;
    await whenIdle(store); // asks again after the pass: it learnt every document's forms
    const known = knownSpeakersFor(store);
    expect(walks).toBe(0);
    const fromScratch = commonNameForms(Object.values(texts).map(fullNameForms));
    expect(known).toEqual(fromScratch);
    expect(names(known)).toEqual(expect.arrayContaining(['Antony Blinken', 'Anthony Blinken', 'Maria Lopez', 'Marie Lopez']));
  });

  it('when a document is deleted or revised after the pass, then the next answer counts the corpus as it is', async () => {
    await whenIdle(store);
    await store.delete('c');
    await store.update('d', (d) => {
      d.revisions.push({ rev: 2, text: 'Nobody named here.', createdAt: '2026-01-02T03:04:05.000Z', author: 't', message: 'm' });
    });
    await whenIdle(store);
    const rest = { a: texts.a, b: texts.b, d: 'Nobody named here.' };
    expect(knownSpeakersFor(store)).toEqual(commonNameForms(Object.values(rest).map(fullNameForms)));
    expect(names(knownSpeakersFor(store))).toEqual(['Anthony Blinken', 'Antony Blinken']);
  });
});
