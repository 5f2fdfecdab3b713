/**
 * The /compare page's outlet and speaker choices after a change: counted from the updates (a label
 * save adds or removes its speaker's spelling; an outlet list is kept while no update changes an
 * outlet), never by reading every document's labels again, and always equal to counting them over
 * the snapshot's documents (outletList, speakerList). At 100,000 documents the full count took
 * about a third of a /compare page after a save (README "Benchmarks").
 */
import { randomUUID } from 'node:crypto';
import { startTestApp } from '../helpers/app.js';
import { makeLabel, type NewLabel } from '../../server/domain/labels.js';
import { CompareService, facetScans, type CompareSnapshot } from '../../server/services/compare.js';
import { outletList } from '../../server/domain/compare/outlet-stats.js';
import { speakerCounts, speakerList } from '../../server/domain/compare/speakers.js';

const BLINKEN_1 = '000_b5b79bfe33936fda';
const TURAN = '001_b1fe9c773694e9ae';
const NOW = '2026-01-01T00:00:00.000Z';

describe('outlet and speaker choices of the compare page', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeEach(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterEach(() => t.cleanup());

  const addLabel = async (docId: string, input: Omit<NewLabel, 'id'>) => {
    const id = randomUUID();
    await t.store.update(docId, (d) => {
      d.labels.push(makeLabel(d, { id, ...input }, 'tester', NOW));
    });
    return id;
  };
  const exact = (s: CompareSnapshot) => {
    expect(s.outlets()).toEqual(outletList(s.docs));
    expect(s.speakers()).toEqual(speakerList(s.docs));
  };

  test('when labels name speakers in two spellings, are removed, and an outlet changes, then each snapshot\'s choices equal a count over its documents, and only the outlet change counts the documents again', async () => {
    const service = new CompareService(t.store);
    const first = await service.snapshot();
    exact(first);
    const scans = { ...facetScans };

    const a = await addLabel(BLINKEN_1, { type: 'direct-quote', start: 158, end: 188, speaker: 'Antony Blinken', cue: 'warning', sourcing: 'named' });
    await addLabel(TURAN, { type: 'reported-claim', start: 635, end: 672, speaker: 'antony  blinken ', cue: 'said', sourcing: 'named' });
    await addLabel(TURAN, { type: 'opinion', start: 0, end: 20 });
    const second = await service.snapshot();
    expect(second.speakers()).toEqual([{ speaker: 'antony  blinken', labels: 2 }]);
    expect(second.outlets()).toBe(first.outlets());
    exact(second);
    expect(facetScans).toEqual(scans);

    await t.store.update(BLINKEN_1, (d) => {
      d.labels = d.labels.filter((l) => l.id !== a);
    });
    const third = await service.snapshot();
    expect(third.speakers()).toEqual([{ speaker: 'antony  blinken', labels: 1 }]);
    exact(third);
    expect(facetScans).toEqual(scans);

    await t.store.update(TURAN, (d) => {
      d.meta.outlet = 'Turan Weekly';
    });
    const fourth = await service.snapshot();
    expect(fourth.outlets().map((o) => o.outlet)).toContain('Turan Weekly');
    exact(fourth);
    expect(facetScans.outlets).toBe(scans.outlets + 1);
    expect(facetScans.speakers).toBe(scans.speakers);

    // A snapshot first asked after a newer one was published counts its own documents.
    await addLabel(BLINKEN_1, { type: 'direct-quote', start: 158, end: 188, speaker: 'Wang Yi', cue: 'said', sourcing: 'named' });
    const fifth = await service.snapshot();
    await addLabel(BLINKEN_1, { type: 'reported-claim', start: 738, end: 768, speaker: 'Wang Yi', cue: 'said', sourcing: 'named' });
    const sixth = await service.snapshot();
    expect(fifth.speakers()).toEqual(speakerList(fifth.docs));
    expect(facetScans.speakers).toBe(scans.speakers + 1);
    expect(sixth.speakers().find((s) => s.speaker === 'Wang Yi')?.labels).toBe(2);
    exact(sixth);
  });

  test('when labels credit speaker entities, are removed, and a document changes outlet, then the speakers list\'s label and outlet counts equal speakerCounts over each snapshot\'s documents', async () => {
    const service = new CompareService(t.store);
    const credit = async (docId: string, speakerId: string, input: Omit<NewLabel, 'id'>) => {
      const id = randomUUID();
      await t.store.update(docId, (d) => {
        d.labels.push({ ...makeLabel(d, { id, ...input }, 'tester', NOW), speakerId });
      });
      return id;
    };
    const counts = (s: CompareSnapshot) => [...s.speakerCounts()].map(([id, c]) => [id, c.labels, [...c.outlets].sort()]).sort();
    const exactCounts = (s: CompareSnapshot) => expect(counts(s)).toEqual([...speakerCounts(s.docs)].map(([id, c]) => [id, c.labels, [...c.outlets].sort()]).sort());
    exactCounts(await service.snapshot());

    const a = await credit(BLINKEN_1, 'sp-blinken', { type: 'direct-quote', start: 158, end: 188, speaker: 'Antony Blinken' });
    await credit(TURAN, 'sp-blinken', { type: 'reported-claim', start: 635, end: 672, speaker: 'Blinken' });
    await credit(TURAN, 'sp-wang', { type: 'direct-quote', start: 0, end: 20, speaker: 'Wang Yi' });
    const second = await service.snapshot();
    expect(counts(second).map(([id, labels, outlets]) => [id, labels, (outlets as string[]).length])).toEqual([
      ['sp-blinken', 2, 1],
      ['sp-wang', 1, 1],
    ]);
    exactCounts(second);

    await t.store.update(BLINKEN_1, (d) => {
      d.labels = d.labels.filter((l) => l.id !== a);
    });
    exactCounts(await service.snapshot());
    await t.store.update(TURAN, (d) => {
      d.meta.outlet = 'Turan Weekly';
    });
    const last = await service.snapshot();
    expect(counts(last)).toEqual([
      ['sp-blinken', 1, ['Turan Weekly']],
      ['sp-wang', 1, ['Turan Weekly']],
    ]);
    exactCounts(last);
  });
});
