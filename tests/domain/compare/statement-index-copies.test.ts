import { StatementIndex } from '../../../server/domain/compare/statement-index.js';
import type { CorpusDocument } from '../../../server/domain/compare/types.js';

/**
 * A document repeating one sentence thousands of times (boilerplate, over the copy cap) leaves the
 * index in steps that give the event loop turns, and the index is then what a fresh build of the
 * remaining documents is: the copies of the other documents stay, in order, still boilerplate.
 */
const BOILER = 'Officials met again on Tuesday to discuss the shipping lanes and the grain corridor.';
const SHARED = 'The central bank raised interest rates by half a point on Thursday morning.';

const doc = (id: string, text: string): CorpusDocument => ({ id, title: id, outlet: id.startsWith('a') ? 'Ledger' : 'Courier', rev: 1, text, labels: [] });

describe('statement index: documents with thousands of copies of one passage', () => {
  const big = (id: string, copies: number) => doc(id, `${SHARED} ${`${BOILER} `.repeat(copies).trim()}`);

  it('when such a document is removed, then the removal runs in many steps and the index equals a fresh build without it', () => {
    const docs = [big('a-repeat', 3_000), big('b-repeat', 3_000), doc('c-plain', `${SHARED} Nothing else happened.`)];
    const index = new StatementIndex();
    index.update(docs.map((d) => ({ id: d.id, doc: d })));
    expect(index.boilerplateSkipped).toBe(6_000);

    let steps = 0;
    const run = index.updateSteps([{ id: 'a-repeat', doc: null }]);
    for (let r = run.next(); !r.done; r = run.next()) steps++;
    // The 3,000 passages leave in steps of at most 256 units of work (about 12), then the 3,000
    // copies left are judged again in as many: about 24 steps, not 13 (a removal in one step).
    expect(steps).toBeGreaterThanOrEqual(24);

    const fresh = new StatementIndex();
    fresh.update(docs.slice(1).map((d) => ({ id: d.id, doc: d })));
    expect(index.boilerplateSkipped).toBe(3_000);
    expect(index.boilerplateSkipped).toBe(fresh.boilerplateSkipped);
    expect(index.matchRecords()).toEqual(fresh.matchRecords());
    expect(index.clusters()).toEqual(fresh.clusters());
    expect(index.clusters().map((c) => c.documentCount)).toEqual([2]);
  });

  it('when the copies fall to the cap, then they are posted again and match', () => {
    const index = new StatementIndex();
    const docs = Array.from({ length: 51 }, (_, i) => doc(`a${String(i).padStart(2, '0')}`, BOILER));
    index.update(docs.map((d) => ({ id: d.id, doc: d })));
    expect(index.boilerplateSkipped).toBe(51);
    index.update([{ id: 'a00', doc: null }]);
    expect(index.boilerplateSkipped).toBe(0);
    const fresh = new StatementIndex();
    fresh.update(docs.slice(1).map((d) => ({ id: d.id, doc: d })));
    expect(index.clusters()).toEqual(fresh.clusters());
    expect(index.clusters().map((c) => c.documentCount)).toEqual([50]);
  });
});
