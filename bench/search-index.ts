/**
 * `node --expose-gc --import tsx bench/search-index.ts`: the search index of our own
 * (server/store/search-index.ts) against minisearch configured as the store used it before
 * (fields title/outlet/text, boosts 3/2, AND, prefix for words of 3+ characters), over the same
 * texts, in one process:
 * - `generated`: the scale bench's news-like articles (bench/news-corpus.ts, about 45 distinct words
 *   a text, one unique token `zq<n>x` each);
 * - `zipf`: texts of 500 words drawn from a Zipf vocabulary of 30,000 words (about 330 distinct words
 *   a text, closer to real news), titles of 8 such words, 12 outlets.
 * For each: memory (V8 heap plus ArrayBuffers after a full collection, the texts measured first and
 * subtracted), build time, p50/p99 of the same queries (half one rare word, half two common words;
 * minisearch: every match scored and sorted as the store did; ours: the first page of 20), the
 * overlap of the top 10 and whether the totals agree; for ours also the stored file's size, its
 * write and read times, and a compaction after re-indexing a tenth of the documents (once in the
 * background, in slices, once all at once). While the file is written and read and while the
 * compaction runs in the background, a probe (setInterval every 10 ms) measures the longest wait
 * of a timer: the longest the event loop was held by that work. Then, warm (three rounds), p50/p99
 * per kind of query: the rare word, the two common words and, for the generated corpus, the scale
 * bench's topic + surname queries.
 * Sizes: SEARCH_BENCH_SIZES (default 10000,100000); SEARCH_BENCH_CORPORA (default generated,zipf);
 * SEARCH_BENCH_MINISEARCH=0 skips minisearch. Exits non-zero only when an answer is wrong (a unique
 * token not found first, or totals that differ).
 */
import MiniSearch from 'minisearch';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SearchIndex } from '../server/store/search-index.js';
import { parseSearchIndex, readSearchIndex, writeSearchIndex } from '../server/store/search-index-file.js';
import type { DocumentRecord } from '../server/domain/types.js';
import { prng } from '../tests/helpers/prng.js';
import { NAMES, TOPICS, article } from './news-corpus.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx bench/search-index.ts');
const SIZES = (process.env.SEARCH_BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const CORPORA = (process.env.SEARCH_BENCH_CORPORA ?? 'generated,zipf').split(',');
const WITH_MINI = process.env.SEARCH_BENCH_MINISEARCH !== '0';
const heapMb = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
let failed = false;
/** Starts a probe timer; the returned function stops it and gives the longest gap between its ticks beyond 10 ms. */
function probe(): () => number {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  return () => {
    clearInterval(timer);
    worst = Math.max(worst, performance.now() - last - 10);
    return Math.max(0, worst);
  };
}

interface Doc {
  id: string;
  title: string;
  outlet: string;
  text: string;
}

function corpus(kind: string, n: number): { docs: Doc[]; queries: string[]; unique: (i: number) => [string, string] | null } {
  const rand = prng(7);
  if (kind === 'generated') {
    const docs = Array.from({ length: n }, (_, i) => {
      const a = article(i, rand);
      return { id: `doc-${String(i).padStart(6, '0')}`, title: a.title, outlet: a.outlet, text: a.text };
    });
    const queries: string[] = [];
    const commons = ['council plan', 'budget talks', 'harbour said', 'the minister', 'strike vote', 'officials critics', 'election delay', 'tariff week', 'railway months', 'vaccine question'];
    for (let i = 0; i < 20; i++) queries.push(`zq${Math.floor((i * n) / 20) + 3}x`, commons[i % commons.length]);
    return { docs, queries, unique: (i) => (i % 2 === 0 ? [queries[i], docs[Math.floor(((i / 2) * n) / 20) + 3].id] : null) };
  }
  const V = 30_000;
  const vocab = Array.from({ length: V }, (_, i) => {
    let w = '';
    for (let k = i + 11; k > 0; k = Math.floor(k / 26)) w += 'abcdefghijklmnopqrstuvwxyz'[k % 26];
    return `${w}e`;
  });
  const zipf = () => vocab[Math.min(V - 1, Math.floor(Math.exp(rand() * Math.log(V))) - 1)];
  const docs = Array.from({ length: n }, (_, i) => ({ id: `rich-${String(i).padStart(6, '0')}`, title: Array.from({ length: 8 }, zipf).join(' '), outlet: `Outlet ${i % 12}`, text: Array.from({ length: 500 }, zipf).join(' ') }));
  const queries: string[] = [];
  for (let i = 0; i < 20; i++) queries.push(vocab[V - 1 - i * 37], `${vocab[i % 5]} ${vocab[5 + (i % 7)]}`);
  return { docs, queries, unique: () => null };
}

const record = (d: Doc): DocumentRecord =>
  ({ id: d.id, meta: { title: d.title, outlet: d.outlet }, labels: [], revisions: [{ rev: 1, createdAt: '2026-01-01T00:00:00.000Z', text: d.text }] }) as unknown as DocumentRecord;

function newMini(): MiniSearch<Doc> {
  return new MiniSearch<Doc>({ fields: ['title', 'outlet', 'text'], storeFields: [], searchOptions: { boost: { title: 3, outlet: 2 }, combineWith: 'AND', prefix: (term) => term.length >= 3 } });
}
const miniSearch = (mini: MiniSearch<Doc>, q: string) =>
  mini
    .search(q)
    .map((r) => ({ id: String(r.id), score: r.score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

for (const kind of CORPORA) {
  for (const n of SIZES) {
    const { docs, queries, unique } = corpus(kind, n);
    const label = `${kind} ${n.toLocaleString('en')}`;
    // Ours first, measured over the texts alone; then minisearch beside it (its own growth measured).
    const before = heapMb();
    const t0 = performance.now();
    const index = new SearchIndex();
    for (const d of docs) index.put(record(d));
    const build = (performance.now() - t0) / 1000;
    const mb = heapMb() - before;
    const times: number[] = [];
    const ourTop: string[][] = [];
    const ourTotals: number[] = [];
    for (const [i, q] of queries.entries()) {
      const s = performance.now();
      const page = index.searchPage(q, { offset: 0, limit: 20 });
      times.push(performance.now() - s);
      ourTop.push(page.hits.slice(0, 10).map((h) => h.id));
      ourTotals.push(page.total);
      const u = unique(i);
      if (u && page.hits[0]?.id !== u[1]) {
        failed = true;
        console.error(`WRONG: ${u[0]} found ${page.hits[0]?.id}, not ${u[1]}`);
      }
    }
    const { bytes } = index.storage;
    const slowest = times.indexOf(Math.max(...times));
    // The same queries again, warm (the first round includes compiling the search code).
    const warm = queries.map((q) => {
      const s0 = performance.now();
      index.searchPage(q, { offset: 0, limit: 20 });
      return performance.now() - s0;
    });
    // Per kind, warm, three rounds: the rare word, the two common words, and (generated only) the
    // scale bench's queries, a topic and a surname (bench/scale.ts), which match a few per cent.
    const kinds: Array<[string, string[]]> = [
      ['rare word', queries.filter((_, i) => i % 2 === 0)],
      ['two common words', queries.filter((_, i) => i % 2 === 1)],
    ];
    if (kind === 'generated') kinds.push(['topic + surname (scale bench)', Array.from({ length: 20 }, (_, i) => `${TOPICS[i % TOPICS.length]} ${NAMES[i % NAMES.length].split(' ')[1]}`)]);
    const perKind = kinds.map(([name, qs]) => {
      const ts: number[] = [];
      let matches = 0;
      for (let round = 0; round < 3; round++)
        for (const q of qs) {
          const s0 = performance.now();
          matches += index.searchPage(q, { offset: 0, limit: 20 }).total;
          ts.push(performance.now() - s0);
        }
      return `${name} p50 ${pct(ts, 50).toFixed(2)} ms, p99 ${pct(ts, 99).toFixed(2)} ms (${Math.round(matches / ts.length).toLocaleString('en')} matches a query on average)`;
    });
    console.log(`${label} ours, warm, per kind: ${perKind.join('; ')}`);
    console.log(
      `${label} ours: ${mb.toFixed(1)} MB (postings pages ${(bytes / 2 ** 20).toFixed(1)} MB, ${index.termCount.toLocaleString('en')} terms), built in ${build.toFixed(1)} s, ` +
        `search p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms (slowest "${queries[slowest]}", ${ourTotals[slowest].toLocaleString('en')} matches); second round p50 ${pct(warm, 50).toFixed(1)} ms, p99 ${pct(warm, 99).toFixed(1)} ms`,
    );
    const dir = await mkdtemp(join(tmpdir(), 'search-bench-'));
    const file = join(dir, 'search.bin');
    let s = performance.now();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    let stopProbe = probe();
    await writeSearchIndex(file, index);
    const writeProbe = stopProbe();
    loop.disable();
    const written = performance.now() - s;
    const longestBlock = loop.max / 1e6;
    s = performance.now();
    const readLoop = monitorEventLoopDelay({ resolution: 5 });
    readLoop.enable();
    stopProbe = probe();
    let loaded = await readSearchIndex(file);
    const readProbe = stopProbe();
    readLoop.disable();
    const read = performance.now() - s;
    const longestReadBlock = readLoop.max / 1e6;
    if (!loaded || 'problem' in loaded) {
      failed = true;
      console.error(`WRONG: the stored index did not read back (${loaded && 'problem' in loaded ? loaded.problem : 'missing'})`);
    } else {
      for (const q of queries.slice(0, 6)) {
        const a = index.searchPage(q, { offset: 0, limit: 10 }).hits.map((h) => h.id).join();
        const b = loaded.index.searchPage(q, { offset: 0, limit: 10 }).hits.map((h) => h.id).join();
        if (a !== b) {
          failed = true;
          console.error(`WRONG: the stored index answers "${q}" differently`);
        }
      }
    }
    // The read again, the longest piece of work between two of its pauses measured inside.
    let longestPiece = 0;
    {
      const bytes = await readFile(file);
      let from = performance.now();
      const again = await parseSearchIndex(bytes, async () => {
        longestPiece = Math.max(longestPiece, performance.now() - from);
        await new Promise((r) => setImmediate(r));
        from = performance.now();
      });
      longestPiece = Math.max(longestPiece, performance.now() - from);
      if ('problem' in again) failed = true;
    }
    loaded = null;
    const size = (await stat(file)).size;
    await rm(dir, { recursive: true, force: true });
    // Re-index a tenth of the documents (a new revision each), then compact: in the background, with
    // the probe running and the answers compared with those before, then again all at once.
    const revise = (round: number) => {
      for (let i = 0; i < docs.length; i += 10) index.put({ ...record(docs[i]), revisions: [{ rev: 1 + round, createdAt: `later ${round}`, text: `${docs[i].text} revised${round}` }] } as unknown as DocumentRecord);
    };
    revise(1);
    const answersBefore = queries.map((q) => JSON.stringify(index.searchPage(q, { offset: 0, limit: 20 })));
    const slicesBefore = index.compactionSlices;
    // The longest slice itself (its own work, without collections or other processes between turns).
    let longestSlice = 0;
    const withSlices = index as unknown as { compactionStep: (force: boolean) => void };
    const step = withSlices.compactionStep;
    withSlices.compactionStep = function (this: SearchIndex, force: boolean) {
      const at = performance.now();
      step.call(this, force);
      longestSlice = Math.max(longestSlice, performance.now() - at);
    };
    s = performance.now();
    stopProbe = probe();
    await index.compactInBackground();
    const compactProbe = stopProbe();
    const backgroundCompaction = performance.now() - s;
    const slices = index.compactionSlices - slicesBefore;
    withSlices.compactionStep = step;
    if (index.storage.deadDocuments !== 0 || queries.some((q, i) => JSON.stringify(index.searchPage(q, { offset: 0, limit: 20 })) !== answersBefore[i])) {
      failed = true;
      console.error('WRONG: the index answers differently after a compaction in the background');
    }
    revise(2);
    s = performance.now();
    index.compact();
    const compacted = performance.now() - s;
    console.log(
      `${label} ours stored: ${(size / 2 ** 20).toFixed(1)} MB file, written in ${(written / 1000).toFixed(2)} s (the event loop held at most ${longestBlock.toFixed(0)} ms at a time, probe ${writeProbe.toFixed(0)} ms), ` +
        `read in ${(read / 1000).toFixed(2)} s (held at most ${longestReadBlock.toFixed(0)} ms, probe ${readProbe.toFixed(0)} ms, longest piece of the parse ${longestPiece.toFixed(0)} ms); compaction after re-indexing a tenth: in the background ${(backgroundCompaction / 1000).toFixed(2)} s in ${slices} slices (longest slice ${longestSlice.toFixed(0)} ms, probe waited at most ${compactProbe.toFixed(0)} ms), all at once ${(compacted / 1000).toFixed(2)} s`,
    );
    if (WITH_MINI) {
      const base = heapMb();
      const t1 = performance.now();
      const mini = newMini();
      for (const d of docs) mini.add(d);
      const miniBuild = (performance.now() - t1) / 1000;
      const miniMb = heapMb() - base;
      const miniTimes: number[] = [];
      let overlap = 0;
      let totalsAgree = 0;
      for (const [i, q] of queries.entries()) {
        const s2 = performance.now();
        const all = miniSearch(mini, q);
        const page = all.slice(0, 20);
        miniTimes.push(performance.now() - s2);
        const top = page.slice(0, 10).map((h) => h.id);
        // Two empty answers agree fully.
        overlap += top.length === 0 ? (ourTop[i].length === 0 ? 1 : 0) : ourTop[i].filter((id) => top.includes(id)).length / Math.min(10, top.length);
        if (all.length === ourTotals[i]) totalsAgree++;
        else {
          failed = true;
          console.error(`WRONG: "${q}" matched ${ourTotals[i]} documents, minisearch ${all.length}`);
        }
      }
      console.log(
        `${label} minisearch: ${miniMb.toFixed(1)} MB, built in ${miniBuild.toFixed(1)} s, search p50 ${pct(miniTimes, 50).toFixed(1)} ms, p99 ${pct(miniTimes, 99).toFixed(1)} ms; ` +
          `top-10 overlap with ours ${((100 * overlap) / queries.length).toFixed(1)}%, totals equal for ${totalsAgree}/${queries.length} queries`,
      );
    }
  }
}
process.exit(failed ? 1 : 0);
