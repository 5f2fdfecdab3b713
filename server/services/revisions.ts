import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { DocumentStore } from '../store/document-store.js';
import type { DocEvent, DocumentRecord, Label } from '../domain/types.js';
import { ANCHOR_STATES, latestRevision } from '../domain/types.js';
import { normalizeText } from '../domain/text.js';
import { computeChangeMap } from '../domain/reanchor/bounded-diff.js';
import { reanchorLabels } from '../domain/reanchor/reanchor.js';
import type { LabelOutcome, ReanchorReport, StateCounts } from '../domain/reanchor/types.js';
import { badRequest, conflict, notFound, tooLarge } from '../http-error.js';
import { MAX_SOURCE_LENGTH, textProblem } from './documents.js';

/** Longest revision message, in UTF-16 code units. */
export const MAX_MESSAGE_LENGTH = 500;
/** Above this many UTF-16 units (old + new text), re-anchoring runs in a worker thread so the server keeps answering. */
export const WORKER_THRESHOLD = 100_000;
/** Attempts at computing outside the store before computing inside its (blocking) mutator. */
const OFF_THREAD_ATTEMPTS = 3;

export interface ReviseInput {
  text: string;
  baseRev?: number;
  author: string;
  message?: string;
}

interface Computed {
  labels: Label[];
  report: ReanchorReport;
}

interface Job {
  oldText: string;
  newText: string;
  labels: Label[];
  fromRev: number;
  toRev: number;
}

/**
 * Replaces the text of document `id` with `input.text` as a new revision and re-anchors its labels.
 * Text that a new document would refuse (too long, lone surrogates, control characters) is refused
 * the same way. The text is normalised first; identical text creates nothing (`created: false`). With `baseRev`,
 * a document revised meanwhile is a 409 naming the latest rev; the check runs inside the store's
 * update, so two concurrent revisions cannot both pass it. The superseded revision keeps a
 * snapshot of its labels; every label is moved to the new revision with its anchor recorded, and
 * the events say what happened (`revision.created`, then `label.reanchored` for each label that
 * did not stay exactly where it was).
 */
export async function reviseDocument(
  store: DocumentStore,
  id: string,
  input: ReviseInput,
): Promise<{ doc: DocumentRecord; created: boolean; report: ReanchorReport }> {
  if (input.text.length > MAX_SOURCE_LENGTH) {
    throw tooLarge(`"text" is ${input.text.length.toLocaleString('en')} characters; the limit is ${MAX_SOURCE_LENGTH.toLocaleString('en')}`);
  }
  const problem = textProblem(input.text);
  if (problem) throw badRequest(`"text" ${problem}`, 'invalid_text');
  const text = normalizeText(input.text);
  if (text.trim() === '') throw badRequest('"text" is empty: a revision needs some text', 'missing_text');
  const message = (input.message ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MAX_MESSAGE_LENGTH);

  for (let attempt = 0; attempt <= OFF_THREAD_ATTEMPTS; attempt++) {
    const doc = store.get(id);
    if (!doc) throw notFound(`no document with id "${id}"`);
    const latest = latestRevision(doc);
    checkBase(input.baseRev, latest.rev);
    if (latest.text === text) return { doc, created: false, report: emptyReport(latest.rev) };
    const job: Job = { oldText: latest.text, newText: text, labels: doc.labels, fromRev: latest.rev, toRev: latest.rev + 1 };
    const inline = attempt === OFF_THREAD_ATTEMPTS;
    const precomputed = inline ? null : await compute(job);
    const now = new Date().toISOString();
    const updated = await store.update(id, (draft) => {
      const current = latestRevision(draft);
      checkBase(input.baseRev, current.rev);
      if (current.text === text) return null;
      const stale = current.rev !== job.fromRev || JSON.stringify(draft.labels) !== JSON.stringify(job.labels);
      if (precomputed && stale) return 'retry' as const;
      const done = precomputed ?? run({ ...job, oldText: current.text, labels: draft.labels, fromRev: current.rev, toRev: current.rev + 1 });
      applyRevision(draft, text, input.author, message, now, done);
      return done.report;
    });
    if (!updated) throw notFound(`no document with id "${id}"`);
    if (updated.result === 'retry') continue;
    if (updated.result === null) return { doc: updated.doc, created: false, report: emptyReport(latestRevision(updated.doc).rev) };
    return { doc: updated.doc, created: true, report: updated.result };
  }
  throw new Error('unreachable: the last attempt computes inside the update');
}

function checkBase(baseRev: number | undefined, latestRev: number): void {
  if (baseRev !== undefined && baseRev !== latestRev) {
    throw conflict(`the text was revised meanwhile: you edited revision ${baseRev}, the latest is revision ${latestRev}`, { latestRev });
  }
}

/** Appends the revision, snapshots the superseded labels, installs the moved ones and records events. */
function applyRevision(draft: DocumentRecord, text: string, author: string, message: string, now: string, done: Computed): void {
  const superseded = latestRevision(draft);
  const before = new Map(draft.labels.map((l) => [l.id, l]));
  superseded.labels = draft.labels;
  const rev = superseded.rev + 1;
  draft.revisions.push({ rev, text, createdAt: now, author, message: message || `Revision ${rev}` });
  draft.labels = done.labels;
  const { counts, precision, needsReview, orphaned } = done.report;
  draft.events.push({
    at: now,
    actor: author,
    kind: 'revision.created',
    rev,
    after: { fromRev: superseded.rev, message: message || `Revision ${rev}`, length: text.length, precision, counts, needsReview: needsReview.map(brief), orphaned: orphaned.map(brief) },
  });
  for (const o of done.report.labels) {
    if (o.state === 'exact') continue;
    const event: DocEvent = { at: now, actor: author, kind: 'label.reanchored', labelId: o.id, rev, before: trail(before.get(o.id)!), after: trail(done.labels.find((l) => l.id === o.id)!) };
    draft.events.push(event);
  }
}

/** What the audit trail keeps of a label's position. */
function trail(l: Label) {
  return { type: l.type, start: l.start, end: l.end, rev: l.rev, exact: l.quote.exact, anchor: l.anchor };
}

/** What the revision event keeps of an outcome (the report shown on the revision page). */
function brief(o: LabelOutcome) {
  return { id: o.id, type: o.type, state: o.state, method: o.method, ...(o.score !== undefined ? { score: o.score } : {}), start: o.start, end: o.end, exact: o.exact, oldExact: o.oldExact };
}

export function emptyReport(rev: number): ReanchorReport {
  const counts = Object.fromEntries(ANCHOR_STATES.map((s) => [s, 0])) as StateCounts;
  return { fromRev: rev, toRev: rev, precision: 'identical', counts, needsReview: [], orphaned: [], labels: [] };
}

/** The re-anchoring itself: pure and synchronous. */
function run(job: Job): Computed {
  const map = computeChangeMap(job.oldText, job.newText);
  return reanchorLabels(job.labels, { oldText: job.oldText, newText: job.newText, fromRev: job.fromRev, toRev: job.toRev }, map);
}

/** Jobs answered by the worker thread, and jobs run inline because it could not start. */
export const workerStats = { jobs: 0, fallbacks: 0 };

/** Runs the job inline when small, else on the worker thread (inline if the worker cannot start). */
async function compute(job: Job): Promise<Computed> {
  if (job.oldText.length + job.newText.length <= WORKER_THRESHOLD) return run(job);
  try {
    const result = await worker().run(job);
    workerStats.jobs++;
    return result;
  } catch (err) {
    if ((err as { code?: string }).code !== 'WORKER_UNAVAILABLE') throw err;
    workerStats.fallbacks++;
    if (workerStats.fallbacks === 1) console.warn(`${(err as Error).message}; re-anchoring runs on the main thread`);
    return run(job);
    throw err;
  }
}

// --- the worker thread -------------------------------------------------------------------------
// This module is also the worker's entry: started with `workerData.reanchorWorker`, it answers
// jobs. The worker loads TypeScript through tsx, as the server does.

const WORKER_FLAG = 'reanchorWorker';

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_FLAG]) {
  parentPort!.on('message', (msg: { id: number; job: Job }) => {
    try {
      parentPort!.postMessage({ id: msg.id, result: run(msg.job) });
    } catch (err) {
      parentPort!.postMessage({ id: msg.id, error: (err as Error).stack ?? String(err) });
    }
  });
}

class ReanchorWorker {
  private readonly pending = new Map<number, { resolve: (c: Computed) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private readonly thread: Worker;
  broken = false;

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
    this.thread.on('message', (msg: { id: number; result?: Computed; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) this.thread.unref();
      if (msg.error) p.reject(new Error(`re-anchoring failed in the worker: ${msg.error}`));
      else p.resolve(msg.result!);
    });
    this.thread.on('error', (err) => this.fail(err));
    this.thread.on('exit', () => this.fail(new Error('the re-anchoring worker stopped')));
  }

  run(job: Job): Promise<Computed> {
    const id = this.nextId++;
    this.thread.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread.postMessage({ id, job });
    });
  }

  private fail(err: Error): void {
    this.broken = true;
    for (const p of this.pending.values()) p.reject(Object.assign(new Error(`re-anchoring worker unavailable: ${err.message}`), { code: 'WORKER_UNAVAILABLE' }));
    this.pending.clear();
  }
}

let shared: ReanchorWorker | null = null;

/** Starts the worker thread ahead of the first large revision (it takes a moment to load). */
export function warmUpReanchorWorker(): void {
  worker();
}

function worker(): ReanchorWorker {
  if (!shared || shared.broken) shared = new ReanchorWorker();
  return shared;
}
