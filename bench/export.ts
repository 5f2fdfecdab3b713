/**
 * Export memory and time-to-first-byte as the corpus grows: `npx tsx bench/export.ts [sizes...]`
 * (default 1000 5000 10000 documents of about 3 KB with 5 labels each, in a fresh temporary DATA_DIR).
 * For each size and format it streams the export over real HTTP and prints the time to the first
 * byte and the total time (one run), and how much the live heap and RSS grew above the level before
 * the export (a second run, sampled after a full GC every 500 ms and after the first MB),
 * then the growth ratios between sizes: flat means about 1. Run it with `--expose-gc` so each heap
 * sample follows a full GC and counts live objects, not garbage waiting to be collected:
 * `node --expose-gc --import tsx bench/export.ts` (with `npx tsx` the figures include garbage).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DocumentStore } from '../server/store/document-store.js';
import { ProjectStore } from '../server/store/project-store.js';
import { createApp } from '../server/app.js';
import { benchAuth } from './bench-auth.js';
import { createDocument } from '../server/domain/documents.js';
import { makeLabel } from '../server/domain/labels.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const SIZES = sizes.length ? sizes : [1000, 5000, 10000];
const FORMATS = ['jsonl', 'csv', 'w3c', 'conll', 'brat'];
const PARAGRAPH = 'The minister said on Monday that “talks will resume 👍 next week,” according to two officials who spoke on condition of anonymity. ';

async function buildCorpus(dir: string, n: number): Promise<DocumentStore> {
  const store = await DocumentStore.open(dir);
  const now = '2026-01-01T00:00:00.000Z';
  for (let i = store.list().length; i < n; i++) {
    const doc = createDocument({ id: `doc-${String(i).padStart(6, '0')}`, body: `Story ${i}\n\n${PARAGRAPH.repeat(24)}`, format: 'text', meta: { outlet: `Outlet ${i % 7}`, publishedAt: '2024-01-01' }, author: 'bench', now });
    for (let k = 0; k < 5; k++) {
      const start = doc.revisions[0].text.indexOf('“talks', 10 + k * PARAGRAPH.length);
      doc.labels.push(makeLabel(doc, { id: `${doc.id}-l${k}`, type: 'direct-quote', start, end: start + 37, speaker: 'minister', sourcing: 'named' }, 'bench', now));
    }
    await store.create(doc);
  }
  return store;
}

interface Run {
  ttfbMs: number;
  totalMs: number;
  bytes: number;
  heapGrowthMb: number;
  rssGrowthMb: number;
}

/** Downloads one export; with `sampleMemory`, a full GC and a memory sample every 500 ms (which slows it, so times come from a run without). */
/** The admin's bearer header (the API needs a signed-in user). */
let authorization = '';

async function download(port: number, format: string, sampleMemory: boolean): Promise<Run> {
  global.gc?.();
  const base = process.memoryUsage();
  let peakHeap = base.heapUsed;
  let peakRss = base.rss;
  const sample = () => {
    global.gc?.();
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  };
  const timer = sampleMemory ? setInterval(sample, 500) : undefined;
  const t0 = performance.now();
  let ttfb = 0;
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    get(`http://127.0.0.1:${port}/api/export?format=${format}`, { headers: { authorization } }, (res) => {
      res.on('data', (c: Buffer) => {
        if (bytes === 0) ttfb = performance.now() - t0;
        bytes += c.length;
        if (sampleMemory && bytes - c.length < 1_000_000 && bytes >= 1_000_000) sample();
      });
      res.on('end', resolve);
      res.on('error', reject);
    }).on('error', reject);
  });
  clearInterval(timer);
  if (sampleMemory) sample();
  const mb = (b: number) => b / 1024 / 1024;
  return { ttfbMs: ttfb, totalMs: performance.now() - t0, bytes, heapGrowthMb: mb(peakHeap - base.heapUsed), rssGrowthMb: mb(peakRss - base.rss) };
}

if (!global.gc) console.log('(no --expose-gc: heap figures include uncollected garbage)');
async function measure(port: number, format: string): Promise<Run> {
  const timed = await download(port, format, false);
  const sampled = await download(port, format, true);
  return { ...timed, heapGrowthMb: sampled.heapGrowthMb, rssGrowthMb: sampled.rssGrowthMb };
}

const dir = await mkdtemp(join(tmpdir(), 'framewise-bench-export-'));
const results = new Map<string, Map<number, Run>>(FORMATS.map((f) => [f, new Map()]));
try {
  for (const n of SIZES) {
    const store = await buildCorpus(dir, n);
    const project = await ProjectStore.open(dir);
    const auth = await benchAuth(dir);
    authorization = auth.authorization;
    const server = createApp({ store, project, users: auth.users, team: auth.team }).listen(0);
    const port = (server.address() as AddressInfo).port;
    console.log(`\n${n} documents (${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MB heap with the store loaded)`);
    console.log('format   TTFB ms   total ms      MB out   heap growth MB   RSS growth MB');
    for (const f of FORMATS) {
      const r = await measure(port, f);
      results.get(f)!.set(n, r);
      console.log(`${f.padEnd(8)} ${r.ttfbMs.toFixed(1).padStart(7)} ${r.totalMs.toFixed(0).padStart(10)} ${(r.bytes / 1024 / 1024).toFixed(1).padStart(11)} ${r.heapGrowthMb.toFixed(1).padStart(16)} ${r.rssGrowthMb.toFixed(1).padStart(15)}`);
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const [small, large] = [SIZES[0], SIZES[SIZES.length - 1]];
  console.log(`\nratios ${large} / ${small} documents (corpus ${large / small}x): flat memory and TTFB stay near 1, total time grows with the corpus`);
  console.log('format   TTFB   total   heap growth   RSS growth');
  for (const f of FORMATS) {
    const a = results.get(f)!.get(small)!;
    const b = results.get(f)!.get(large)!;
    const ratio = (x: number, y: number) => (Math.max(y, 0.5) / Math.max(x, 0.5)).toFixed(2);
    console.log(`${f.padEnd(8)} ${ratio(a.ttfbMs, b.ttfbMs).padStart(4)} ${ratio(a.totalMs, b.totalMs).padStart(7)} ${ratio(a.heapGrowthMb, b.heapGrowthMb).padStart(13)} ${ratio(a.rssGrowthMb, b.rssGrowthMb).padStart(12)}`);
  }
  console.log('(growths under 0.5 MB count as 0.5 MB in the ratios)');
} finally {
  await rm(dir, { recursive: true, force: true });
}
