/**
 * `npx tsx bench/scale.ts`: the corpus at scale. Generated news-like documents (about 3 KB each)
 * are imported through the import CLI (`server/cli/import.ts`, one JSONL file of 10,000 a step,
 * timed per step with the CLI's peak resident memory), then the real server (`server/main.ts`) runs over HTTP on loopback and is
 * measured at each size: start time, resident memory, p50/p99 of list, search, editor page,
 * label save (while the statement index's first build runs, and their p50 again once it is done);
 * the statement index's first build, then /compare, /outlets and a speaker page after a
 * label save, after a revision and after a 1,000-document import (POST /api/import); full jsonl and
 * CoNLL exports over HTTP; resident memory after all that; at the end the ratios last size / first size.
 * Sizes: SCALE_SIZES (default "10000,50000", to fit the bench run in about 10 minutes; "10000,100000" takes about 15). Exits non-zero only when an answer is wrong.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { prng } from '../tests/helpers/prng.js';
import { article, NAMES, TOPICS } from './news-corpus.js';

const SIZES = (process.env.SCALE_SIZES ?? '10000,50000').split(',').map(Number);
const BATCH = 10_000;
const PASSWORD = 'scale bench admin password';
/** A request slower than this is recorded as timed out. */
const SLOW_MS = Number(process.env.SCALE_SLOW_MS ?? 20_000);

let failed = false;
function wrong(message: string): void {
  failed = true;
  console.error(`WRONG: ${message}`);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
};
const rssMb = async (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

interface Server {
  child: ChildProcess;
  /** Heap of the main thread after its last full garbage collection, in MB (V8's --trace-gc). */
  gcLog: { lastFull: number; main?: string; rest: string };
  url: string;
  headers: Record<string, string>;
  startMs: number;
}

async function startServer(dataDir: string, seedsDir: string): Promise<Server> {
  const t0 = performance.now();
  // --trace-gc: V8 prints the heap after each collection; the last full one is reported (heapAfterGcMb).
  const child = spawn(process.execPath, ['--trace-gc', '--import', 'tsx', resolve('server/main.ts')], {
    env: { ...process.env, DATA_DIR: dataDir, SEEDS_DIR: seedsDir, PORT: '0', ADMIN_PASSWORD: PASSWORD, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const gcLog: { lastFull: number; main?: string; rest: string } = { lastFull: NaN, rest: '' };
  const url = await new Promise<string>((done, fail) => {
    const onData = (d: Buffer) => {
      const text = d.toString();
      // Worker threads log too, each under its isolate's address: the main isolate logs first.
      const lines = (gcLog.rest + text).split('\n');
      gcLog.rest = lines.pop() ?? '';
      for (const line of lines) {
        const isolate = /^\[\d+:(0x[0-9a-f]+)\]/.exec(line)?.[1];
        if (!isolate) continue;
        gcLog.main ??= isolate;
        const full = /Mark-Compact \S+ \(\S+\) -> ([\d.]+) \(/.exec(line);
        if (isolate === gcLog.main && full) gcLog.lastFull = Number(full[1]);
      }
      if (out.length < 100_000) out += text;
      const m = /Framewise on (http:\/\/\S+:\d+)/.exec(out);
      if (m) done(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => fail(new Error(`server exited (${code}):\n${out}`)));
  });
  const startMs = performance.now() - t0;
  const login = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return { child, url, startMs, gcLog, headers: { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0], 'x-csrf-token': csrfToken } };
}

async function stopServer(s: Server): Promise<void> {
  const exited = new Promise((r) => s.child.on('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

/** Times `n` calls of `call`; a call answering later than SLOW_MS counts as SLOW_MS and is reported. */
async function timed(n: number, call: (i: number) => Promise<void>): Promise<{ p50: number; p99: number; timeouts: number }> {
  const xs: number[] = [];
  let timeouts = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    try {
      await call(i);
    } catch (err) {
      if ((err as Error).name !== 'TimeoutError') throw err;
      timeouts++;
    }
    xs.push(performance.now() - t0);
  }
  return { p50: pct(xs, 0.5), p99: pct(xs, 0.99), timeouts };
}

async function get(s: Server, path: string, expect = 200): Promise<Response> {
  const res = await fetch(`${s.url}${path}`, { headers: s.headers, signal: AbortSignal.timeout(SLOW_MS) });
  if (res.status !== expect) wrong(`GET ${path} answered ${res.status}, not ${expect}`);
  await res.arrayBuffer().catch(() => undefined);
  return res;
}

async function getJson<T>(s: Server, path: string, timeoutMs = SLOW_MS): Promise<T> {
  const res = await fetch(`${s.url}${path}`, { headers: s.headers, signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) wrong(`GET ${path} answered ${res.status}`);
  return (await res.json()) as T;
}

async function saveLabel(s: Server, id: string, speaker?: string): Promise<void> {
  const doc = await getJson<{ rev: number; text: string }>(s, `/api/documents/${id}`);
  const start = doc.text.indexOf('“') + 1;
  const res = await fetch(`${s.url}/api/documents/${id}/labels`, {
    method: 'POST', headers: { ...s.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ start, end: start + 20, type: 'direct-quote', rev: doc.rev, ...(speaker ? { speaker, cue: 'said', sourcing: 'named' } : {}) }), signal: AbortSignal.timeout(SLOW_MS),
  });
  if (res.status !== 201) wrong(`a label save answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  else await res.arrayBuffer();
}

/** A new revision of a document: one sentence added at the end. */
async function revise(s: Server, id: string): Promise<void> {
  const doc = await getJson<{ rev: number; text: string }>(s, `/api/documents/${id}`);
  const res = await fetch(`${s.url}/api/documents/${id}/text`, {
    method: 'PUT', headers: { ...s.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ text: `${doc.text}\n\nThe council said the vote would follow.`, baseRev: doc.rev }), signal: AbortSignal.timeout(SLOW_MS),
  });
  if (res.status !== 201) wrong(`a revision answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  else await res.arrayBuffer();
}

/** Milliseconds of /compare, /outlets and one speaker's page, asked one after the other. */
async function statementViews(s: Server, speakerId: string): Promise<number[]> {
  const out: number[] = [];
  for (const path of ['/compare', '/outlets', `/speakers/${speakerId}`]) {
    const t0 = performance.now();
    try {
      await get(s, path);
    } catch (err) {
      if ((err as Error).name !== 'TimeoutError') throw err;
    }
    out.push(performance.now() - t0);
  }
  return out;
}

type Row = Record<string, number | string>;

/** Runs the import CLI on one file under /usr/bin/time, for its peak resident memory; progress lines are dropped. */
async function importThroughCli(dataDir: string, file: string): Promise<{ stdout: string; peakMb: number }> {
  const child = spawn('/usr/bin/time', ['-f', 'peak-rss-kb %M', process.execPath, '--import', 'tsx', resolve('server/cli/import.ts'), file, '--annotator', 'bench'], {
    env: { ...process.env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let tail = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (tail = (tail + c.toString()).slice(-2000)));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) wrong(`the import CLI exited ${code}: ${tail.slice(-500)}`);
  const peak = /peak-rss-kb (\d+)/.exec(tail);
  return { stdout, peakMb: peak ? Number(peak[1]) / 1024 : NaN };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'framewise-scale-'));
  const seedsDir = join(dataDir, 'no-seeds');
  await mkdir(seedsDir);
  const rand = prng(13);
  const results: Row[] = [];
  const importRates: string[] = [];
  console.log(`scale bench on ${cpus().length} cores, sizes ${SIZES.join(', ')}, data in ${dataDir}`);
  let count = 0;
  /** Documents added over HTTP by earlier sizes' import step. */
  let extras = 0;
  try {
    for (const size of SIZES) {
      while (count < size) {
        const upTo = Math.min(size, count + BATCH);
        const file = join(dataDir, '..', `${basename(dataDir)}-import-${count}.jsonl`);
        const lines: string[] = [];
        for (let n = count; n < upTo; n++) {
          const a = article(n, rand);
          lines.push(JSON.stringify({ id: `doc-${n}`, title: a.title, outlet: a.outlet, publishedAt: a.publishedAt, text: a.text }));
        }
        await writeFile(file, `${lines.join('\n')}\n`);
        const t0 = performance.now();
        const run = await importThroughCli(dataDir, file);
        const secs = (performance.now() - t0) / 1000;
        await rm(file, { force: true });
        if (run.stdout.split('\n')[0] !== `imported: ${upTo - count} new documents, 0 revised, 0 unchanged, 0 labels (0 already there)`) wrong(`the import of documents ${count}-${upTo} said: ${run.stdout.slice(0, 300)}`);
        importRates.push(`${count.toLocaleString('en')}→${upTo.toLocaleString('en')}: ${((upTo - count) / secs).toFixed(0)} docs/s (${(secs * (BATCH / (upTo - count))).toFixed(1)} s per 10,000; CLI peak RSS ${run.peakMb.toFixed(0)} MB)`);
        console.log(`  imported documents ${importRates[importRates.length - 1]}`);
        count = upTo;
      }

      const s = await startServer(dataDir, seedsDir);
      const row: Row = { size, 'start s': (s.startMs / 1000).toFixed(2), 'RSS after start MB': (await rssMb(s.child.pid!)).toFixed(0) };
      const total = (await get(s, '/api/documents?limit=1')).headers.get('x-total-count');
      if (Number(total) !== size + extras) wrong(`the list says ${total} documents, not ${size + extras}`);
      const t0 = performance.now();
      // The first search waits for the index built in the background since the start.
      const probe = await getJson<{ items: Array<{ id: string }> }>(s, `/api/documents?q=zq${size - 1}x`, 600_000);
      row['search index build s'] = ((performance.now() - t0) / 1000).toFixed(1);
      if (probe.items.map((d) => d.id).join() !== `doc-${size - 1}`) wrong(`searching the token of doc-${size - 1} found ${JSON.stringify(probe.items.map((d) => d.id))}`);
      const ids = Array.from({ length: 40 }, () => `doc-${Math.floor(rand() * size)}`);
      const sorts = ['date', 'title', 'outlet', 'labels', 'status'];
      const fmt = (r: { p50: number; p99: number; timeouts: number }) => `${r.p50.toFixed(1)} / ${r.p99.toFixed(1)}${r.timeouts ? ` (${r.timeouts} over ${SLOW_MS / 1000} s)` : ''}`;
      // List, search, editor page and label save: first while the statement index's first build
      // runs (it starts with the server and holds requests for its slices), then once it is done.
      const pages = async (saveIds: string[]) => ({
        list: await timed(40, async (i) => {
          const page = await getJson<{ items: unknown[]; next: string | null }>(s, `/api/documents?limit=50&sort=${sorts[i % sorts.length]}`);
          if (page.items.length !== 50 || !page.next) wrong('a list page did not hold 50 documents and a next cursor');
        }),
        search: await timed(40, async (i) => {
          const n = Math.floor(rand() * size);
          const hits = await getJson<{ items: Array<{ id: string }> }>(s, `/api/documents?q=${i % 2 ? `zq${n}x` : `${TOPICS[i % TOPICS.length]}+${NAMES[i % NAMES.length].split(' ')[1]}`}&limit=20`);
          if (i % 2 && hits.items[0]?.id !== `doc-${n}`) wrong(`searching zq${n}x did not find doc-${n}`);
        }),
        editor: await timed(20, async (i) => {
          await get(s, `/documents/${ids[i]}`);
        }),
        save: await timed(20, async (i) => saveLabel(s, saveIds[i % saveIds.length])),
      });
      const { list, search, editor, save } = await pages(ids.slice(20));
      // The statement index: its first build, then the three
      // views after a label save, after a revision and after a 1,000-document import (updates).
      // While it builds, /api/compare answers 503 "being built, N of M" at once: poll it each second.
      const tBuild = performance.now();
      const whileBuilding: number[] = [];
      for (;;) {
        const t1 = performance.now();
        const res = await fetch(`${s.url}/api/compare?minDocuments=2`, { headers: s.headers, signal: AbortSignal.timeout(SLOW_MS) });
        await res.arrayBuffer();
        if (res.status === 200) break;
        if (res.status !== 503 || !/^building; done=\d+; total=\d+$/.test(res.headers.get('statement-index') ?? '')) wrong(`/api/compare during the first build answered ${res.status} (${res.headers.get('statement-index')})`);
        whileBuilding.push(performance.now() - t1);
        if (performance.now() - tBuild > 900_000) throw new Error('the first build took over 15 minutes');
        await new Promise((r) => setTimeout(r, 1000));
      }
      row['statement index first build s'] = ((performance.now() - tBuild) / 1000).toFixed(1);
      row['/compare while building p50/max ms'] = whileBuilding.length ? `${pct(whileBuilding, 0.5).toFixed(0)} / ${Math.max(...whileBuilding).toFixed(0)} (${whileBuilding.length} asks)` : 'built before the first ask';
      const built = await pages(Array.from({ length: 20 }, () => `doc-${Math.floor(rand() * size)}`));
      await saveLabel(s, ids[0], NAMES[0]);
      const speakers = await getJson<Array<{ id: string }>>(s, '/api/speakers');
      if (!speakers[0]) wrong('no speaker listed after a label naming one');
      const speakerId = speakers[0]?.id ?? 'none';
      await statementViews(s, speakerId);
      const views = (xs: number[][]) => xs.map((v) => v.map((ms) => ms.toFixed(0)).join(' / ')).join('; ');
      const afterSave: number[][] = [];
      for (let i = 1; i <= 3; i++) {
        await saveLabel(s, ids[i], NAMES[i]);
        afterSave.push(await statementViews(s, speakerId));
      }
      const afterRevision: number[][] = [];
      for (let i = 4; i <= 5; i++) {
        await revise(s, ids[i]);
        afterRevision.push(await statementViews(s, speakerId));
      }
      const extra: string[] = [];
      for (let n = 0; n < 1000; n++) {
        // Their unique tokens far past any size's documents: doc-<size + n> of a later, larger size
        // must stay the only holder of zq<size + n>x (the search checks above ask for it).
        const a = article(1_000_000_000 + size + n, rand);
        extra.push(JSON.stringify({ id: `extra-${size}-${n}`, title: a.title, outlet: a.outlet, publishedAt: a.publishedAt, text: a.text }));
      }
      const tImport = performance.now();
      const imported = await fetch(`${s.url}/api/import?format=jsonl`, { method: 'POST', headers: { ...s.headers, 'content-type': 'application/x-ndjson' }, body: extra.join('\n'), signal: AbortSignal.timeout(600_000) });
      if (imported.status !== 200) wrong(`importing 1,000 documents answered ${imported.status}: ${(await imported.text()).slice(0, 300)}`);
      else await imported.arrayBuffer();
      const importMs = performance.now() - tImport;
      extras += 1000;
      // Right after the import: the views answer from the last consistent index, labelled updating,
      // while the new documents are indexed in the background; then once that is done.
      const state = (await fetch(`${s.url}/api/compare?minDocuments=2`, { headers: s.headers, signal: AbortSignal.timeout(SLOW_MS) }).then(async (r) => (await r.arrayBuffer(), r.headers.get('statement-index')))) ?? '';
      const afterImport = [await statementViews(s, speakerId)];
      const tIndexed = performance.now();
      for (;;) {
        const r = await fetch(`${s.url}/api/compare?minDocuments=2`, { headers: s.headers, signal: AbortSignal.timeout(SLOW_MS) });
        await r.arrayBuffer();
        if (r.headers.get('statement-index') === 'ready') break;
        if (performance.now() - tIndexed > 900_000) throw new Error('indexing the import took over 15 minutes');
        await new Promise((done) => setTimeout(done, 500));
      }
      row['import indexed in the background s'] = ((performance.now() - tIndexed) / 1000).toFixed(1);
      row['state right after the import'] = state;
      afterImport.push(await statementViews(s, speakerId));
      // Full exports over HTTP (the corpus and the 1,000 imported): jsonl, then CoNLL, whose target is within 2x of jsonl.
      const exports: Record<string, { s: number; mb: number }> = {};
      for (const format of ['jsonl', 'conll']) {
        const t1 = performance.now();
        const res = await fetch(`${s.url}/api/export?format=${format}`, { headers: s.headers, signal: AbortSignal.timeout(900_000) });
        if (res.status !== 200) wrong(`the ${format} export answered ${res.status}`);
        let bytes = 0;
        let lines = 0;
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          bytes += chunk.length;
          if (format === 'jsonl') for (const b of chunk) if (b === 10) lines++;
        }
        if (format === 'jsonl' && lines !== size + extras) wrong(`the jsonl export held ${lines} lines, not ${size + extras}`);
        exports[format] = { s: (performance.now() - t1) / 1000, mb: bytes / 1024 / 1024 };
      }
      row['export jsonl; conll s (MB)'] = `${exports.jsonl.s.toFixed(1)} (${exports.jsonl.mb.toFixed(0)}); ${exports.conll.s.toFixed(1)} (${exports.conll.mb.toFixed(0)}): conll/jsonl ${(exports.conll.s / exports.jsonl.s).toFixed(2)}`;
      Object.assign(row, {
        'list p50/p99 ms': fmt(list), 'search p50/p99 ms': fmt(search), 'editor p50/p99 ms': fmt(editor),
        'label save p50/p99 ms': fmt(save),
        'once built: list / search / editor / label save p50 ms': [built.list, built.search, built.editor, built.save].map((r) => r.p50.toFixed(1)).join(' / '),
        'after a save: /compare / /outlets / speaker ms (3 rounds)': views(afterSave),
        'after a revision (2 rounds)': views(afterRevision),
        'import 1,000 over HTTP s': (importMs / 1000).toFixed(1),
        'after the import (while updating; once indexed)': views(afterImport),
        'RSS after all MB': (await rssMb(s.child.pid!)).toFixed(0),
        'heap after the last full GC MB': s.gcLog.lastFull.toFixed(0),
      });
      // The same a minute later with no request: V8 gives back free heap pages in an idle,
      // memory-reducing collection, and the worker thread stops once idle (WORKER_IDLE_MS).
      await new Promise((r) => setTimeout(r, 60_000));
      row['RSS a minute later MB'] = (await rssMb(s.child.pid!)).toFixed(0);
      row['heap after the last full GC then MB'] = s.gcLog.lastFull.toFixed(0);
      for (const [k, v] of [['list', list], ['search', search], ['editor', editor], ['save', save]] as const) row[`_${k}`] = v.p50;
      for (const [k, v] of Object.entries(built)) row[`_built_${k}`] = v.p50;
      row._compare = pct(afterSave.map((v) => v[0] + v[1] + v[2]), 0.5);
      results.push(row);
      console.log(row);
      await stopServer(s);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }

  console.log(`\n| documents | ${Object.keys(results[0]).filter((k) => !k.startsWith('_') && k !== 'size').join(' | ')} |`);
  console.log(`|---|${Object.keys(results[0]).filter((k) => !k.startsWith('_') && k !== 'size').map(() => '---').join('|')}|`);
  for (const r of results) console.log(`| ${Number(r.size).toLocaleString('en')} | ${Object.entries(r).filter(([k]) => !k.startsWith('_') && k !== 'size').map(([, v]) => v).join(' | ')} |`);
  if (results.length > 1) {
    const [a, b] = [results[0], results[results.length - 1]];
    const ratio = (k: string) => (Number(b[k]) / Number(a[k])).toFixed(2);
    console.log(`\nratio ${Number(b.size).toLocaleString('en')} / ${Number(a.size).toLocaleString('en')} (p50): list ${ratio('_list')}, search ${ratio('_search')}, editor ${ratio('_editor')}, label save ${ratio('_save')}, save+compare+outlets ${ratio('_compare')}; start ${ratio('start s')}`);
    console.log(`once the statement index is built: list ${ratio('_built_list')}, search ${ratio('_built_search')}, editor ${ratio('_built_editor')}, label save ${ratio('_built_save')} (the ones above are timed while it builds)`);
  }
  console.log(`\nimport throughput per 10,000 documents (npm run import, one JSONL file a step):\n  ${importRates.join('\n  ')}`);
  process.exit(failed ? 1 : 0);
}

await main();
