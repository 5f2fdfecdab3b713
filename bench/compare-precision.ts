/**
 * Prints statement matching's pairwise precision and recall on the two compare fixture corpora
 * (known variants, and noun-phrase false friends). Run: npx tsx bench/compare-precision.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findStatements } from '../server/domain/compare/statements.js';
import type { CorpusDocument } from '../server/domain/compare/types.js';

interface FixtureFile {
  documents: { id: string; outlet?: string; publishedAt?: string; text: string }[];
  statements: { renderings: { doc: string; text: string }[] }[];
}

for (const name of ['corpus.json', 'false-friends.json']) {
  const file = JSON.parse(readFileSync(resolve('tests/fixtures/compare', name), 'utf8')) as FixtureFile;
  const docs: CorpusDocument[] = file.documents.map((d) => ({ ...d, title: d.id, rev: 1, labels: [] }));
  const gold = file.statements.flatMap((s, statement) =>
    s.renderings.map((r) => {
      const start = docs.find((d) => d.id === r.doc)!.text.indexOf(r.text);
      return { statement, doc: r.doc, start, end: start + r.text.length };
    }),
  );
  const goldOf = (doc: string, start: number, end: number) => gold.findIndex((g) => g.doc === doc && g.start < end && start < g.end);
  let predicted = 0;
  let truePairs = 0;
  for (const c of findStatements(docs).clusters) {
    const ids = c.renderings.map((r) => goldOf(r.documentId, r.start, r.end));
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        predicted++;
        if (ids[i] >= 0 && ids[j] >= 0 && ids[i] !== ids[j] && gold[ids[i]].statement === gold[ids[j]].statement) truePairs++;
      }
    }
  }
  let goldPairs = 0;
  gold.forEach((g, i) => gold.forEach((h, j) => (j > i && g.statement === h.statement ? goldPairs++ : 0)));
  const precision = predicted ? truePairs / predicted : 1;
  console.log(`${name.padEnd(20)} precision ${precision.toFixed(3)}  recall ${(truePairs / goldPairs).toFixed(3)}  (${truePairs} true of ${predicted} predicted pairs; ${goldPairs} gold pairs)`);
}
