import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CorpusDocument, StatementCluster } from '../../../server/domain/compare/types.js';

interface FixtureFile {
  documents: { id: string; outlet?: string; publishedAt?: string; text: string }[];
  statements: { name: string; renderings: { doc: string; text: string }[] }[];
}

/** A gold rendering: UTF-16 range of its exact text in its document. */
export interface GoldRendering {
  statement: number;
  doc: string;
  start: number;
  end: number;
}

/** The known-variants corpus of tests/fixtures/compare, as matching reads it, with its gold renderings. */
export function loadFixtureCorpus(): { docs: CorpusDocument[]; gold: GoldRendering[]; names: string[] } {
  const file = JSON.parse(readFileSync(resolve('tests/fixtures/compare/corpus.json'), 'utf8')) as FixtureFile;
  const docs: CorpusDocument[] = file.documents.map((d) => ({ id: d.id, title: d.id, outlet: d.outlet, publishedAt: d.publishedAt, rev: 1, text: d.text, labels: [] }));
  const gold = file.statements.flatMap((s, statement) =>
    s.renderings.map((r) => {
      const text = docs.find((d) => d.id === r.doc)!.text;
      const start = text.indexOf(r.text);
      if (start < 0 || text.indexOf(r.text, start + 1) >= 0) throw new Error(`fixture: "${r.text}" must occur exactly once in ${r.doc}`);
      return { statement, doc: r.doc, start, end: start + r.text.length };
    }),
  );
  return { docs, gold, names: file.statements.map((s) => s.name) };
}

/**
 * Pairwise precision and recall: a pair of renderings is predicted when one cluster holds both,
 * and true when both overlap gold renderings of the same statement.
 */
export function pairScores(clusters: StatementCluster[], gold: GoldRendering[]) {
  const goldOf = (doc: string, start: number, end: number) => gold.findIndex((g) => g.doc === doc && g.start < end && start < g.end);
  let predicted = 0;
  let truePairs = 0;
  const falsePairs: string[] = [];
  for (const c of clusters) {
    const ids = c.renderings.map((r) => goldOf(r.documentId, r.start, r.end));
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        predicted++;
        if (ids[i] >= 0 && ids[j] >= 0 && ids[i] !== ids[j] && gold[ids[i]].statement === gold[ids[j]].statement) truePairs++;
        else falsePairs.push(`${c.renderings[i].text} | ${c.renderings[j].text}`);
      }
    }
  }
  let goldPairs = 0;
  gold.forEach((g, i) => gold.forEach((h, j) => (j > i && g.statement === h.statement ? goldPairs++ : 0)));
  return { predicted, truePairs, goldPairs, precision: predicted ? truePairs / predicted : 1, recall: truePairs / goldPairs, falsePairs };
}
