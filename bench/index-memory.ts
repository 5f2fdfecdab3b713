/**
 * `node --expose-gc --import tsx bench/index-memory.ts`: memory held by the two corpus-wide indexes
 * (V8 heap plus ArrayBuffers),
 * measured in one process after a full garbage collection (no server, no store: the documents are
 * made in memory, and their own heap is measured first and subtracted).
 * - the statement index (server/domain/compare/statement-index.ts) over the scale bench's generated
 *   articles (bench/news-corpus.ts), added 500 at a time as the service does;
 * - the search index (server/store/search-index.ts, minisearch) over the same articles, whose
 *   vocabulary is tiny (about 45 distinct words a text), and over texts of 500 words drawn from a
 *   Zipf vocabulary of 30,000 words (about 330 distinct words a text, closer to real news).
 * Size: INDEX_MEMORY_DOCS (default 10000). WHAT=statements or WHAT=search runs one part. Exits
 * non-zero only when an index gives a wrong answer.
 */
import { StatementIndex } from '../server/domain/compare/statement-index.js';
import { SearchIndex } from '../server/store/search-index.js';
import type { DocumentRecord } from '../server/domain/types.js';
import type { CorpusDocument } from '../server/domain/compare/types.js';
import { prng } from '../tests/helpers/prng.js';
import { article } from './news-corpus.js';

const N = Number(process.env.INDEX_MEMORY_DOCS ?? 10_000);
const WHAT = process.env.WHAT ?? 'all';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx bench/index-memory.ts');
/** V8 heap plus the memory of ArrayBuffers (typed arrays over 64 bytes live outside the heap). */
const heapMb = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
};
let failed = false;
const keep: unknown[] = [];

const rand = prng(1);
const docs: CorpusDocument[] = Array.from({ length: N }, (_, i) => {
  const a = article(i, rand);
  return { id: `doc-${String(i).padStart(6, '0')}`, title: a.title, outlet: a.outlet, publishedAt: a.publishedAt, rev: 1, text: a.text, labels: [] };
});
const record = (d: { id: string; title: string; outlet?: string; text: string }): DocumentRecord =>
  ({ id: d.id, meta: { title: d.title, outlet: d.outlet }, labels: [], revisions: [{ rev: 1, createdAt: '2026-01-01T00:00:00.000Z', text: d.text }] }) as unknown as DocumentRecord;
console.log(`index memory, ${N.toLocaleString('en')} generated articles: the documents themselves hold ${heapMb().toFixed(1)} MB`);

if (WHAT !== 'search') {
  const before = heapMb();
  const index = new StatementIndex();
  const t0 = performance.now();
  for (let at = 0; at < docs.length; at += 500) index.update(docs.slice(at, at + 500).map((doc) => ({ id: doc.id, doc })));
  const clusters = index.clusters();
  const secs = (performance.now() - t0) / 1000;
  keep.push(index);
  console.log(`statement index: ${(heapMb() - before).toFixed(1)} MB; ${index.passageTotal.toLocaleString('en')} passages, ${index.matchCount.toLocaleString('en')} matches, ${clusters.length.toLocaleString('en')} statements; built in ${secs.toFixed(1)} s`);
  if (clusters.length === 0) {
    failed = true;
    console.error('WRONG: no statement found');
  }
}

if (WHAT !== 'statements') {
  const before = heapMb();
  const search = new SearchIndex();
  for (const d of docs) search.put(record(d));
  keep.push(search);
  const hit = search.search(`zq${N - 1}x`).map((h) => h.id);
  console.log(`search index, generated articles: ${(heapMb() - before).toFixed(1)} MB`);
  if (hit.join() !== docs[N - 1].id) {
    failed = true;
    console.error(`WRONG: searching zq${N - 1}x found ${hit.join()}`);
  }
  const V = 30_000;
  const vocab = Array.from({ length: V }, (_, i) => {
    let w = '';
    for (let n = i + 11; n > 0; n = Math.floor(n / 26)) w += 'abcdefghijklmnopqrstuvwxyz'[n % 26];
    return `${w}e`;
  });
  const zipf = () => vocab[Math.min(V - 1, Math.floor(Math.exp(rand() * Math.log(V))) - 1)];
  const rich = Array.from({ length: N }, (_, i) => ({ id: `rich-${i}`, title: Array.from({ length: 8 }, zipf).join(' '), outlet: `Outlet ${i % 12}`, text: Array.from({ length: 500 }, zipf).join(' ') }));
  let postings = 0;
  for (const d of rich) postings += new Set(d.text.split(' ')).size;
  const beforeRich = heapMb();
  const richIndex = new SearchIndex();
  for (const d of rich) richIndex.put(record(d));
  keep.push(richIndex, rich);
  const grown = heapMb() - beforeRich;
  console.log(`search index, Zipf texts (${(postings / N).toFixed(0)} distinct words a text): ${grown.toFixed(1)} MB, ${((grown * 2 ** 20) / postings).toFixed(0)} bytes per (word, document) of the texts`);
}
process.exit(failed ? 1 : 0);
