import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Label } from '../domain/types.js';
import { computeChangeMap } from '../domain/reanchor/bounded-diff.js';
import { reanchorLabels } from '../domain/reanchor/reanchor.js';
import type { ChangeMap, ReanchorReport } from '../domain/reanchor/types.js';
import { findStatements } from '../domain/compare/statements.js';
import type { CorpusDocument } from '../domain/compare/types.js';
import { documentContribution } from '../domain/compare/contribution.js';
import { suggestLabels, type KnownSpeaker } from '../domain/suggestions.js';
import { loadTextModel } from '../domain/suggestions/text-analysis.js';
import { hasContentVerb } from '../domain/compare/statement-filter.js';

/**
 * Long, pure computations that must not block the server: they run on one shared worker thread
 * (inline when small, or when the worker cannot start). Inputs and results cross the thread
 * boundary by structured clone, so they are plain data.
 */
/** Suggestions for one text (see domain/suggestions): the existing labels by type and span, rejections, known speakers. */
export interface SuggestionsJob {
  text: string;
  existing: { type: string; start: number; end: number }[];
  rejected: string[];
  knownSpeakers: KnownSpeaker[];
}

export interface ReanchorJob {
  oldText: string;
  newText: string;
  labels: Label[];
  fromRev: number;
  toRev: number;
  /** The change map of the two texts when already computed (a retry for labels changed meanwhile). */
  map?: ChangeMap;
}

const JOBS = {
  /** Re-anchors labels through a revision: the bounded diff, then the per-label decision. */
  reanchor: (job: ReanchorJob): { labels: Label[]; report: ReanchorReport; map: ChangeMap } => {
    const map = job.map ?? computeChangeMap(job.oldText, job.newText);
    return { ...reanchorLabels(job.labels, { oldText: job.oldText, newText: job.newText, fromRev: job.fromRev, toRev: job.toRev }, map), map };
  },
  /** Statement matching over a corpus. */
  statements: (docs: CorpusDocument[]) => findStatements(docs),
  /** What documents bring to the statement index (tokens, passages): see domain/compare/contribution.ts. */
  contributions: (docs: Pick<CorpusDocument, 'text' | 'labels'>[]) => docs.map(documentContribution),
  /** `contributions` of documents whose labels crossed the thread boundary packed (packLabels). */
  packedContributions: (docs: { text: string; labels: PackedLabels }[]) => docs.map((d) => documentContribution({ text: d.text, labels: unpackLabels(d.labels) })),
  /** Suggested labels for a large text. */
  suggestions: (job: SuggestionsJob) => suggestLabels(job.text, job.existing, job.rejected, job.knownSpeakers),
};

/**
 * What documentContribution reads of a document's labels (id, span, whether orphaned), in columns:
 * a structured clone of 20,000 whole labels held the event loop about 80 ms, these columns a few.
 */
export interface PackedLabels {
  ids: string[];
  starts: Int32Array;
  ends: Int32Array;
  orphaned: Uint8Array;
}

export function packLabels(labels: readonly Label[]): PackedLabels {
  const n = labels.length;
  const packed: PackedLabels = { ids: new Array<string>(n), starts: new Int32Array(n), ends: new Int32Array(n), orphaned: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    packed.ids[i] = l.id;
    packed.starts[i] = l.start;
    packed.ends[i] = l.end;
    packed.orphaned[i] = l.anchor.state === 'orphaned' ? 1 : 0;
  }
  return packed;
}

/** Labels carrying only what documentContribution reads (see PackedLabels; a label not orphaned reads as `exact`). */
export function unpackLabels(p: PackedLabels): Label[] {
  return p.ids.map((id, i) => ({ id, start: p.starts[i], end: p.ends[i], anchor: { state: p.orphaned[i] ? 'orphaned' : 'exact' } }) as unknown as Label);
}

/** Jobs whose input is sent to the worker in a smaller form: the job run there instead, and the packed input. */
const PACKED: { [K in JobName]?: (input: Input<K>) => { name: JobName; input: unknown } } = {
  contributions: (docs) => ({ name: 'packedContributions', input: docs.map((d) => ({ text: d.text, labels: packLabels(d.labels) })) }),
};

export type JobName = keyof typeof JOBS;
type Input<K extends JobName> = Parameters<(typeof JOBS)[K]>[0];
type Output<K extends JobName> = ReturnType<(typeof JOBS)[K]>;

/** Jobs answered by the worker thread, jobs run inline because it could not start, threads started and threads stopped for being idle. */
export const workerStats = { jobs: 0, fallbacks: 0, started: 0, retired: 0 };

/**
 * A worker thread idle this long is stopped; the next long job starts another (about half a second).
 * An idle worker holds about 115 MB (its own heap, the suggestions' language model, its allocator's
 * arena): a server at rest, or busy with exports, searches and pages only, does not keep it.
 */
export const WORKER_IDLE_MS = 30_000;
let idleMs = WORKER_IDLE_MS;

/** Tests: how long an idle worker thread lives (WORKER_IDLE_MS by default). */
export function setWorkerIdleMs(ms: number): void {
  idleMs = ms;
}
/** Jobs sent to the worker thread and not answered yet. */
export const workerLoad = { pending: 0 };

/** Runs a job here and now, on the calling thread. */
export function runJobInline<K extends JobName>(name: K, input: Input<K>): Output<K> {
  return (JOBS[name] as (i: Input<K>) => Output<K>)(input);
}

/** Runs a job on the worker thread when `offThread`, else (or when the worker is unavailable) inline. */
export async function runJob<K extends JobName>(name: K, input: Input<K>, offThread: boolean): Promise<Output<K>> {
  const inline = () => runJobInline(name, input);
  if (!offThread) return inline();
  try {
    workerLoad.pending++;
    const packed = (PACKED[name] as ((i: Input<K>) => { name: JobName; input: unknown }) | undefined)?.(input) ?? { name, input };
    const result = (await worker().run(packed.name, packed.input).finally(() => workerLoad.pending--)) as Output<K>;
    workerStats.jobs++;
    return result;
  } catch (err) {
    if ((err as { code?: string }).code !== 'WORKER_UNAVAILABLE') throw err;
    workerStats.fallbacks++;
    if (workerStats.fallbacks === 1) console.warn(`${(err as Error).message}; long jobs run on the main thread`);
    return inline();
  }
}

/** Starts the worker thread ahead of the first long job (it takes a moment to load). */
export function warmUpWorker(): void {
  worker();
}

/**
 * Loads the suggestions' language model on this thread (small suggestion jobs run inline), then in
 * the next turn the statement filter's (its own wink-nlp instance, used when statements are drawn):
 * called once the server listens, so no request waits for one to load (65-115 ms each). The worker
 * thread loads its own copy of the suggestions' model as it starts (warmUpWorker).
 */
export function warmUpSuggestionModel(): void {
  loadTextModel();
  setImmediate(() => hasContentVerb('The minister said so.'));
}

// --- the worker thread -------------------------------------------------------------------------
// This module is also the worker's entry: started with `workerData.domainWorker`, it answers jobs.
// The worker loads TypeScript through tsx, as the server does.

const WORKER_FLAG = 'domainWorker';

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_FLAG]) {
  parentPort!.on('message', (msg: { id: number; name: JobName; input: unknown }) => {
    try {
      parentPort!.postMessage({ id: msg.id, result: (JOBS[msg.name] as (i: unknown) => unknown)(msg.input) });
    } catch (err) {
      parentPort!.postMessage({ id: msg.id, error: (err as Error).stack ?? String(err) });
    }
  });
  // The model for suggestion jobs, loaded before the first one (a job arriving first waits for it either way).
  setImmediate(loadTextModel);
}

class DomainWorker {
  private readonly pending = new Map<number, { name: JobName; resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private readonly thread: Worker;
  private idleTimer: NodeJS.Timeout | null = null;
  broken = false;
  /** Stopped for being idle (see WORKER_IDLE_MS): the next job starts another. */
  retired = false;

  constructor() {
    // The ESM entry of tsx's API where import.meta.resolve exists (node, tsx); jest's module
    // system lacks it, and there the CommonJS entry works.
    const tsxApi = typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx/esm/api') : pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
    // Workers do not inherit the loader hooks of tsx: the worker registers them before importing
    // this (TypeScript) module.
    const boot = `const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then((m) => { m.register(); return import(workerData.entry); });`;
    this.thread = new Worker(boot, { eval: true, workerData: { [WORKER_FLAG]: true, tsxApi, entry: import.meta.url } });
    this.thread.unref();
    workerStats.started++;
    this.idleFromNow();
    this.thread.on('message', (msg: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) {
        this.thread.unref();
        this.idleFromNow();
      }
      if (msg.error) p.reject(new Error(`${p.name} failed in the worker: ${msg.error}`));
      else p.resolve(msg.result);
    });
    this.thread.on('error', (err) => this.fail(err));
    this.thread.on('exit', () => this.fail(new Error('the worker thread stopped')));
  }

  run(name: JobName, input: unknown): Promise<unknown> {
    const id = this.nextId++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.thread.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { name, resolve, reject });
      this.thread.postMessage({ id, name, input });
    });
  }

  /** Stops the thread once it has had no job for `idleMs`. */
  private idleFromNow(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.pending.size > 0 || this.broken) return;
      this.retired = true;
      workerStats.retired++;
      void this.thread.terminate();
    }, idleMs);
    this.idleTimer.unref();
  }

  private fail(err: Error): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.broken = true;
    for (const p of this.pending.values()) p.reject(Object.assign(new Error(`worker thread unavailable: ${err.message}`), { code: 'WORKER_UNAVAILABLE' }));
    this.pending.clear();
  }
}

let shared: DomainWorker | null = null;

function worker(): DomainWorker {
  if (!shared || shared.broken || shared.retired) shared = new DomainWorker();
  return shared;
}
