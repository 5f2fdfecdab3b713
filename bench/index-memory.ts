/**
 * `node --expose-gc --import tsx bench/index-memory.ts`: memory held by the two corpus-wide indexes
 * (V8 heap plus ArrayBuffers),
 * measured in one process after a full garbage collection (no server, no store: the documents are
 * made in memory, and their own heap is measured first and subtracted).
 * - the statement index (server/domain/compare/statement-index.ts) over the scale bench's generated
 *   articles (bench/news-corpus.ts), added 500 at a time as the service does, over the documents as
 *   the compare service keeps them (compact-document.ts, measured first: the service holds both);
 * - the search index (server/store/search-index.ts, minisearch) over the same articles, whose
 *   vocabulary is tiny (about 45 distinct words a text), and over texts of 500 words drawn from a
 *   Zipf vocabulary of 30,000 words (about 330 distinct words a text, closer to real news).
 * - the statement index put back from its snapshot (what a restart with an unchanged corpus does,
 *   server/store/index-files.ts): snapshot size, time to write and read it, time to restore, and
 *   the restored index's memory and statements (which must equal the built ones);
 * - WHAT=restart (only when asked): the compare service over a real data folder (DocumentStore in a
 *   temporary folder): first build, snapshot written, then the folder opened again and the time
 *   until the service's first snapshot is ready (a restart with an unchanged corpus), then again
 *   after one document was revised while it was closed (only it is indexed again).
 * - WHAT=zipf (only when asked): the statement index over texts of 500 words drawn from a Zipf
 *   vocabulary of 30,000 words, cut into sentences of 10-20 words (most shingles are then held by one
 *   passage, as in real news: the generated articles above share a vocabulary of about a hundred words,
 *   so every shingle is held by hundreds of passages).
 * Size: INDEX_MEMORY_DOCS (default 10000). WHAT=statements or WHAT=search runs one part. Exits
 * non-zero only when an index gives a wrong answer.
 */
import { StatementIndex, drain, keyedRecord } from '../server/domain/compare/statement-index.js';
import { serializeStatementIndex, storedIndexProblem, STATEMENT_INDEX_VERSION } from '../server/store/index-files.js';
import { SearchIndex } from '../server/store/search-index.js';
import type { DocumentRecord } from '../server/domain/types.js';
import type { CorpusDocument } from '../server/domain/compare/types.js';
import { prng } from '../tests/helpers/prng.js';
import { compactDocument } from '../server/domain/compare/compact-document.js';
import { article } from './news-corpus.js';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocumentStore } from '../server/store/document-store.js';
import { CompareService } from '../server/services/compare.js';
import { createDocument } from '../server/domain/documents.js';
import { statementIndexPath } from '../server/store/index-files.js';

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

if (WHAT === 'restart') {
  const dataDir = await mkdtemp(join(tmpdir(), 'framewise-restart-'));
  try {
    const store = await DocumentStore.open(dataDir);
    for (let at = 0; at < N; at += 16) {
      await Promise.all(
        docs.slice(at, at + 16).map((d) => store.create(createDocument({ id: d.id, body: d.text, format: 'text', meta: { title: d.title, outlet: d.outlet, publishedAt: d.publishedAt }, author: 'bench', now: '2026-01-01T00:00:00.000Z' }))),
      );
    }
    let t = performance.now();
    const first = new CompareService(store, { storage: store.statementIndex });
    const built = await first.snapshot();
    const buildS = (performance.now() - t) / 1000;
    t = performance.now();
    await first.save();
    const saveMs = performance.now() - t;
    const size = (await stat(statementIndexPath(dataDir))).size;
    await store.close();
    const restartOnce = async (label: string, expectReindexed: number) => {
      const again = await DocumentStore.open(dataDir);
      const t0 = performance.now();
      const service = new CompareService(again, { storage: again.statementIndex });
      const snap = await service.snapshot();
      const s = (performance.now() - t0) / 1000;
      console.log(`restart (${label}): statements ready in ${s.toFixed(1)} s (${((s * 1000) / N).toFixed(2)} ms per document; the first build took ${buildS.toFixed(1)} s, ${(buildS / s).toFixed(1)}x); ${service.start.restored.toLocaleString('en')} documents restored, ${service.start.reindexed} indexed again`);
      if (service.start.reindexed !== expectReindexed || snap.clusters.length === 0) {
        failed = true;
        console.error(`WRONG: ${service.start.reindexed} documents indexed again at restart (${expectReindexed} expected), ${snap.clusters.length} statements`);
      }
      await service.save(); // the write its build scheduled, before the folder is closed
      return { again, snap };
    };
    console.log(`first build over the data folder: ${buildS.toFixed(1)} s; snapshot written in ${saveMs.toFixed(0)} ms, ${(size / 2 ** 20).toFixed(1)} MB`);
    const { again, snap } = await restartOnce('unchanged corpus', 0);
    if (JSON.stringify(snap.clusters) !== JSON.stringify(built.clusters)) {
      failed = true;
      console.error('WRONG: the restarted service finds other statements than the first build');
    }
    await again.update(docs[0].id, (d) => {
      d.revisions.push({ rev: 2, text: `${d.revisions[0].text} A new closing line.`, createdAt: '2026-01-02T00:00:00.000Z', author: 'bench', message: 'edit' } as (typeof d.revisions)[number]);
    });
    await again.close();
    await (await restartOnce('one document revised while closed', 1)).again.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (WHAT !== 'search' && WHAT !== 'restart' && WHAT !== 'zipf' && WHAT !== 'parts' && WHAT !== 'zipf-parts') {
  // The documents as the compare service keeps them (corpusDocumentOf: texts as UTF-8 bytes when
  // smaller), made from copies of the texts, so that nothing the index keeps can be a slice of the
  // plain documents above (a slice keeps its whole text alive: the index must not keep any).
  const beforeCompact = heapMb();
  const held = docs.map((d) => compactDocument({ ...d, text: JSON.parse(JSON.stringify(d.text)) as string }));
  const compactMb = heapMb() - beforeCompact;
  console.log(`documents as the compare service keeps them (texts as UTF-8 when smaller): ${compactMb.toFixed(1)} MB, ${Math.round((compactMb * 2 ** 20) / N).toLocaleString('en')} bytes per document`);
  const before = heapMb();
  const index = new StatementIndex();
  const t0 = performance.now();
  for (let at = 0; at < held.length; at += 500) index.update(held.slice(at, at + 500).map((doc) => ({ id: doc.id, doc })));
  const clusters = index.clusters();
  const secs = (performance.now() - t0) / 1000;
  keep.push(index);
  console.log(`statement index: ${(heapMb() - before).toFixed(1)} MB; ${index.passageTotal.toLocaleString('en')} passages, ${index.matchCount.toLocaleString('en')} matches, ${clusters.length.toLocaleString('en')} statements; built in ${secs.toFixed(1)} s`);
  if (clusters.length === 0) {
    failed = true;
    console.error('WRONG: no statement found');
  }
  const perDoc = ((heapMb() - before) * 2 ** 20) / N;
  console.log(`statement index: ${Math.round(perDoc).toLocaleString('en')} bytes per document`);

  let t = performance.now();
  const text = serializeStatementIndex({
    version: STATEMENT_INDEX_VERSION,
    words: index.dictionary(),
    documents: [...index.documentRecords()].map((r) => keyedRecord(r, 'k')),
    matches: index.matchRecords(),
  });
  const writeMs = performance.now() - t;
  t = performance.now();
  const stored = storedIndexProblem(text);
  const readMs = performance.now() - t;
  if (typeof stored === 'string') throw new Error(`WRONG: the snapshot does not read back: ${stored}`);
  keep.splice(keep.indexOf(index), 1);
  const beforeRestore = heapMb();
  t = performance.now();
  const restored = new StatementIndex();
  const byId = new Map(held.map((d) => [d.id, d]));
  drain(restored.restoreSteps(stored.words, stored.documents.map((record) => ({ doc: byId.get(record.id)!, record })), stored.matches));
  const again = restored.clusters();
  const restoreS = (performance.now() - t) / 1000;
  keep.push(restored);
  console.log(
    `statement index snapshot: ${(text.length / 2 ** 20).toFixed(1)} MB (${Math.round(text.length / N).toLocaleString('en')} bytes per document), written in ${writeMs.toFixed(0)} ms, read and checked in ${readMs.toFixed(0)} ms; ` +
      `restored with its statements in ${restoreS.toFixed(1)} s (${(secs / restoreS).toFixed(1)}x faster than the build), holding ${(heapMb() - beforeRestore).toFixed(1)} MB`,
  );
  if (JSON.stringify(again) !== JSON.stringify(clusters)) {
    failed = true;
    console.error('WRONG: the restored index finds other statements than the built one');
  }
}

/** A word of a 30,000-word vocabulary drawn by Zipf's law (a few words very often, most rarely), as in real text. */
const ZIPF_VOCABULARY = Array.from({ length: 30_000 }, (_, i) => {
  let w = '';
  for (let n = i + 11; n > 0; n = Math.floor(n / 26)) w += 'abcdefghijklmnopqrstuvwxyz'[n % 26];
  return `${w}e`;
});
const zipf = () => ZIPF_VOCABULARY[Math.min(ZIPF_VOCABULARY.length - 1, Math.floor(Math.exp(rand() * Math.log(ZIPF_VOCABULARY.length))) - 1)];

/** A text of about 500 Zipf words in sentences of 10-20 words. */
function zipfSentences(): string {
  const out: string[] = [];
  for (let n = 0; n < 500; ) {
    const len = 10 + Math.floor(rand() * 11);
    const words = Array.from({ length: len }, zipf).join(' ');
    out.push(`${words[0].toUpperCase()}${words.slice(1)}.`);
    n += len;
  }
  return out.join(' ');
}

if (WHAT === 'zipf') {
  const rich = Array.from({ length: N }, (_, i) => compactDocument({ id: `rich-${String(i).padStart(6, '0')}`, title: `Rich ${i}`, outlet: `Outlet ${i % 12}`, rev: 1, text: zipfSentences(), labels: [] }));
  const before = heapMb();
  const index = new StatementIndex();
  const t0 = performance.now();
  for (let at = 0; at < rich.length; at += 500) index.update(rich.slice(at, at + 500).map((doc) => ({ id: doc.id, doc })));
  index.clusters();
  const secs = (performance.now() - t0) / 1000;
  keep.push(index, rich);
  const grown = heapMb() - before;
  console.log(`statement index, Zipf sentences: ${grown.toFixed(1)} MB, ${Math.round((grown * 2 ** 20) / N).toLocaleString('en')} bytes per document; ${index.passageTotal.toLocaleString('en')} passages; built in ${secs.toFixed(1)} s`);
}

if (WHAT === 'parts' || WHAT === 'zipf-parts') {
  // Where the statement index's memory goes: after a build, each part is taken away in turn (by
  // its private field's name) and the heap freed is that part's. Order matters (a passage object is
  // held by the postings, the copies and the documents): the shared ones are counted last.
  const texts = WHAT === 'parts' ? docs.map((d) => d.text) : Array.from({ length: N }, () => zipfSentences());
  const held = texts.map((text, i) => compactDocument({ id: `doc-${String(i).padStart(6, '0')}`, title: `T ${i}`, outlet: `Outlet ${i % 12}`, rev: 1, text: JSON.parse(JSON.stringify(text)) as string, labels: [] }));
  const before = heapMb();
  const index = new StatementIndex();
  for (let at = 0; at < held.length; at += 500) index.update(held.slice(at, at + 500).map((doc) => ({ id: doc.id, doc })));
  const clusters = index.clusters();
  keep.push(index, held);
  const total = heapMb() - before;
  console.log(`statement index (${WHAT === 'parts' ? 'generated articles' : 'Zipf sentences'}): ${total.toFixed(1)} MB; ${index.passageTotal.toLocaleString('en')} passages, ${index.matchCount.toLocaleString('en')} matches, ${clusters.length.toLocaleString('en')} statements`);
  const inside = index as unknown as Record<string, unknown>;
  const docsOf = () => [...(inside.docs as Map<string, { passages: unknown; data: Record<string, unknown> }>).values()];
  const parts: Array<[string, () => void]> = [
    ['postings', () => { inside.postings = null; inside.postingStore = null; inside.longPostings = null; }],
    ['copies map', () => { inside.copies = null; inside.copyLists = null; }],
    ['statements (groups, sorted list)', () => { inside.groups = null; inside.groupOf = null; inside.sorted = null; }],
    ['matches and their regions', () => { for (const f of ['matches', 'regions', 'matchesOfPassage', 'matchesOfSlot', 'dirty']) inside[f] = null; }],
    ['passage objects (and the arrays listing them)', () => { inside.passages = null; inside.recentWords = null; for (const e of docsOf()) e.passages = null; }],
    ['per-document tables (ranges, offsets, kinds, copy keys, label ids)', () => { for (const e of docsOf()) { e.data.table = null; e.data.copyKeys = null; e.data.labelIds = null; } }],
    ['pools (sorted content ids and shingles; since session 6 with the tables, in one array a document)', () => { for (const e of docsOf()) e.data.pool = e.data.numbers = null; }],
    ['words (dictionary, hashes)', () => { inside.ids = null; inside.wordHash = null; }],
    ['document entries, slots, layouts', () => { inside.docs = null; inside.bySlot = null; inside.layouts = null; inside.runLayouts = null; }],
    ['the index object and the rest', () => { keep.splice(keep.indexOf(index), 1); }],
  ];
  let last = heapMb();
  for (const [name, takeAway] of parts) {
    takeAway();
    const now = heapMb();
    console.log(`  ${name}: ${(last - now).toFixed(1)} MB`);
    last = now;
  }
  console.log(`  not the index's (held since the build began: compiled code, caches of the documents' module): ${(last - before).toFixed(1)} MB`);
}

if (WHAT !== 'statements' && WHAT !== 'restart' && WHAT !== 'zipf' && WHAT !== 'parts' && WHAT !== 'zipf-parts') {
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
