import { findStatements } from '../../../server/domain/compare/statements.js';
import { loadFixtureCorpus, pairScores } from './fixture-corpus.js';

describe('statement matching on the known-variants fixture corpus', () => {
  const { docs, gold } = loadFixtureCorpus();
  const { clusters } = findStatements(docs);

  test('when matching the fixture corpus, then every known variant pair is found and no false friend is (precision 1, recall 1)', () => {
    const scores = pairScores(clusters, gold);
    expect(scores.falsePairs).toEqual([]);
    expect({ predicted: scores.predicted, truePairs: scores.truePairs, goldPairs: scores.goldPairs }).toEqual({ predicted: 8, truePairs: 8, goldPairs: 8 });
    expect(scores.precision).toBe(1);
    expect(scores.recall).toBe(1);
  });

  test('when matching the fixture corpus, then it finds exactly six statements, one of them inside a single document', () => {
    expect(clusters.map((c) => c.documentCount).sort()).toEqual([1, 2, 2, 2, 2, 3]);
  });

  test('when a sentence differs only by a negation, then the two are not one statement', () => {
    const taxes = clusters.filter((c) => c.renderings.some((r) => r.text.includes('taxes')));
    expect(taxes).toEqual([]);
  });
});
