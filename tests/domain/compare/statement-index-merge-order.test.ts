import { StatementIndex } from '../../../server/domain/compare/statement-index.js';
import type { CorpusDocument } from '../../../server/domain/compare/types.js';

/**
 * The statement list after an update that forms or drops hundreds of statements at once (an import):
 * the statements kept stay in order and the new ones are merged in, and the list is exactly the one a
 * fresh index over the same documents gives (biggest first, then by id).
 */

/** A made-up word, the same for the same number, different for different ones. */
const word = (n: number) => `w${n.toString(36)}q`;
/** A sentence quoting a statement of its own: its content words belong to statement `n` only. */
const statement = (n: number) => `“The ${word(n)} council will approve the ${word(n + 100_000)} budget for ${word(n + 200_000)} schools,” the mayor said.`;
const doc = (id: string, statements: number[], outlet: string): CorpusDocument => ({ id, title: id, outlet, rev: 1, text: statements.map(statement).join(' '), labels: [] });

/** Statement n appears in 2 + (n % 3) documents, so the list has statements of three sizes, in id order within a size. */
function corpus(from: number, to: number): CorpusDocument[] {
  const docs: CorpusDocument[] = [];
  for (let n = from; n < to; n++) {
    for (let copy = 0; copy < 2 + (n % 3); copy++) docs.push(doc(`s${String(n).padStart(4, '0')}-${copy}`, [n], ['Ledger', 'Courier', 'Post', 'Wire'][copy]));
  }
  return docs;
}

describe('statement index: the statement list after a large update', () => {
  it('when an update forms 300 statements and drops 40 after the list was sorted, then the list equals a fresh build, in the same order', () => {
    const first = corpus(0, 150);
    const index = new StatementIndex();
    index.update(first.map((d) => ({ id: d.id, doc: d })));
    const before = index.clusters();
    expect(before.length).toBe(150);

    const added = corpus(150, 450);
    const removed = first.filter((d) => d.id.endsWith('-0') && Number(d.id.slice(1, 5)) % 4 === 0).slice(0, 40);
    index.update([...added.map((d) => ({ id: d.id, doc: d as CorpusDocument | null })), ...removed.map((d) => ({ id: d.id, doc: null }))]);
    const after = index.clusters();

    const kept = [...first.filter((d) => !removed.includes(d)), ...added].sort((a, b) => (a.id < b.id ? -1 : 1));
    const fresh = new StatementIndex();
    fresh.update(kept.map((d) => ({ id: d.id, doc: d })));
    expect(after).toEqual(fresh.clusters());
    expect(after.length).toBeGreaterThan(400);
    // Biggest first: 4 documents, then 3, then 2 (a statement that lost a copy moved down a size).
    const sizes = after.map((c) => c.documentCount);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(new Set(sizes)).toEqual(new Set([4, 3, 2]));
  });
});
