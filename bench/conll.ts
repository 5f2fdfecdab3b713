/**
 * CoNLL export cost on one large document: `npx tsx bench/conll.ts`.
 * Prints the time for 2,000,000 characters with 800, 8,000 and 100,000 labels (random spans, some
 * nested, some covering most of the text) and the ratio per label: linear work keeps the time per
 * label falling as labels grow, and the longest piece (the longest the export holds the event loop).
 */
import { createDocument } from '../server/domain/documents.js';
import { makeLabel } from '../server/domain/labels.js';
import { CodePointIndex } from '../server/domain/formats/code-points.js';
import { conllDocumentPieces, emptyConllTally } from '../server/domain/formats/conll.js';
import { prng } from '../tests/helpers/prng.js';

const random = prng(7);
const words = ['The', 'minister', 'said', 'that', 'the', 'plan', 'works.', 'Critics', 'called', 'it', '“reckless”,', 'Mr.', 'Smith', 'added.'];
let text = '';
while (text.length < 2_000_000) text += `${words[Math.floor(random() * words.length)]}${random() < 0.02 ? '\n\n' : ' '}`;
const doc = createDocument({ id: 'big', body: text, format: 'text', meta: { title: 'big' }, author: 'bench', now: 'now' });
const body = doc.revisions[0].text;

function labels(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const start = Math.floor(random() * (body.length - 2000));
    const long = i % 50 === 0;
    const end = Math.min(body.length, start + 1 + Math.floor(random() * (long ? body.length / 2 : 400)));
    return makeLabel(doc, { id: `l${i}`, type: i % 3 ? 'opinion' : 'direct-quote', start, end }, 'bench', 'now');
  });
}

const ix = new CodePointIndex(body);
const rows: [number, number, number][] = [];
for (const n of [800, 8_000, 100_000]) {
  const ls = labels(n);
  const t = performance.now();
  // The export gives the event loop a turn between pieces: the longest piece is the longest wait for others.
  let longest = 0;
  let last = t;
  for (const _piece of conllDocumentPieces(doc, ls, ix, emptyConllTally())) {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }
  rows.push([n, performance.now() - t, longest]);
}
for (const [n, ms, longest] of rows) console.log(`${n.toLocaleString('en')} labels: ${ms.toFixed(0)} ms in all (${((ms / n) * 1000).toFixed(1)} µs a label), longest piece ${longest.toFixed(0)} ms`);
console.log(`time ratio 100,000 / 800 labels: ${(rows[2][1] / rows[0][1]).toFixed(1)} for 125x the labels`);
