import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findStatements } from '../../../server/domain/compare/statements.js';
import { hasContentVerb } from '../../../server/domain/compare/statement-filter.js';
import type { CorpusDocument } from '../../../server/domain/compare/types.js';
import { pairScores, type GoldRendering } from './fixture-corpus.js';

interface FixtureFile {
  documents: { id: string; outlet?: string; publishedAt?: string; text: string }[];
  statements: { name: string; renderings: { doc: string; text: string }[] }[];
}

function load(): { docs: CorpusDocument[]; gold: GoldRendering[] } {
  const file = JSON.parse(readFileSync(resolve('tests/fixtures/compare/false-friends.json'), 'utf8')) as FixtureFile;
  const docs: CorpusDocument[] = file.documents.map((d) => ({ ...d, title: d.id, rev: 1, labels: [] }));
  const gold = file.statements.flatMap((s, statement) =>
    s.renderings.map((r) => {
      const start = docs.find((d) => d.id === r.doc)!.text.indexOf(r.text);
      return { statement, doc: r.doc, start, end: start + r.text.length };
    }),
  );
  return { docs, gold };
}

describe('noun-phrase false friends (captions, headings, tweet lead-ins)', () => {
  const { docs, gold } = load();
  const { clusters } = findStatements(docs);

  test('when names, events and amounts recur across unrelated articles, then none forms a statement and the one shared quote does (precision 1, recall 1)', () => {
    const scores = pairScores(clusters, gold);
    console.log(`false-friends fixture: precision ${scores.precision.toFixed(3)}, recall ${scores.recall.toFixed(3)} (${scores.truePairs} of ${scores.predicted} predicted pairs true, ${scores.goldPairs} gold pairs)`);
    expect(scores.falsePairs).toEqual([]);
    expect(clusters.map((c) => c.renderings[0].text)).toEqual(['We will not back down from this fight for fair wages']);
    expect(scores.recall).toBe(1);
  });

  test.each([
    ['Justice Antonin Scalia', false],
    ['the Democratic National Convention', false],
    ['tens of thousands of dollars', false],
    ['Senate Democratic leader Harry Reid', false],
    ['Trump tweeted Tuesday', false],
    ['We will not back down from this fight for fair wages', true],
    ['The harbour project is finished', true],
  ])('when the rendering is "%s", then it has a content verb: %s', (text, expected) => {
    expect(hasContentVerb(text)).toBe(expected);
  });
});
