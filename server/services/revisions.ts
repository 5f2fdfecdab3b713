import type { Corpus } from '../store/corpus.js';
import type { DocEvent, DocumentRecord, Label } from '../domain/types.js';
import { ANCHOR_STATES, latestRevision } from '../domain/types.js';
import { normalizeText } from '../domain/text.js';
import type { ChangeMap, LabelOutcome, ReanchorReport, StateCounts } from '../domain/reanchor/types.js';
import { reanchorLabels, reportOf, type Revisions } from '../domain/reanchor/reanchor.js';
import { badRequest, conflict, notFound, tooLarge } from '../http-error.js';
import { MAX_SOURCE_LENGTH, textProblem } from './documents.js';
import { runJob, warmUpWorker, workerStats, type ReanchorJob } from './domain-worker.js';

/** Longest revision message, in UTF-16 code units. */
export const MAX_MESSAGE_LENGTH = 500;
/** Above this many UTF-16 units (old + new text), re-anchoring runs in a worker thread so the server keeps answering. */
export const WORKER_THRESHOLD = 100_000;
/** Above this much work (UTF-16 units of old + new text, times labels), re-anchoring runs in the worker thread. */
export const WORK_THRESHOLD = 1_000_000;
/**
 * Attempts at a revision while other clients keep changing its labels. Each attempt re-anchors on
 * the worker only the labels changed since the previous one, so they converge; a document whose
 * labels change faster still gets a 409, never a long computation on the main thread.
 */
const MAX_ATTEMPTS = 8;

/** Labels re-anchored on the main thread at commit because they changed during the computation. */
export const revisionStats = { lateLabels: 0 };

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
  store: Corpus,
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

  // Labels already re-anchored for the latest text, by id, with the label as it was when computed.
  let known = new Map<string, { input: Label; label: Label; outcome: LabelOutcome }>();
  let computed = null as { fromRev: number; map: ChangeMap } | null;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const doc = await store.getDocument(id);
    if (!doc) throw notFound(`no document with id "${id}"`);
    const latest = latestRevision(doc);
    checkBase(input.baseRev, latest.rev);
    if (latest.text === text) return { doc, created: false, report: emptyReport(latest.rev) };
    if (computed?.fromRev !== latest.rev) {
      known = new Map();
      computed = null;
    }
    const texts: Revisions = { oldText: latest.text, newText: text, fromRev: latest.rev, toRev: latest.rev + 1 };
    const todo = known.size === 0 ? doc.labels : doc.labels.filter((l) => !sameData(known.get(l.id)?.input, l));
    if (!computed || todo.length > 0) {
      const done = await reanchor(texts, todo, computed?.map, !smallWork(texts.oldText, texts.newText, todo.length));
      done.labels.forEach((label, i) => known.set(label.id, { input: todo[i], label, outcome: done.outcomes[i] }));
      computed = { fromRev: latest.rev, map: done.map };
    }
    const { map } = computed;
    const now = new Date().toISOString();
    const updated = await store.update(id, (draft) => {
      const current = latestRevision(draft);
      checkBase(input.baseRev, current.rev);
      if (current.text === text) return null;
      if (current.rev !== texts.fromRev) return 'retry' as const;
      // Labels changed while the computation ran: the few are re-anchored here, through the change
      // map already computed; more than a small amount of work goes back to the worker.
      // One pass, in the document's order (this runs inside the store's update, in one turn).
      const present = draft.labels;
      const labels = new Array<Label>(present.length);
      const outcomes = new Array<LabelOutcome>(present.length);
      const changed: Label[] = [];
      const changedAt: number[] = [];
      for (let i = 0; i < present.length; i++) {
        const l = present[i];
        const k = known.get(l.id);
        if (k && sameData(k.input, l)) {
          labels[i] = k.label;
          outcomes[i] = k.outcome;
        } else {
          changed.push(l);
          changedAt.push(i);
        }
      }
      if (changed.length > 0 && !smallWork(texts.oldText, texts.newText, changed.length)) return 'retry' as const;
      if (changed.length > 0) {
        const late = reanchorLabels(changed, texts, map);
        revisionStats.lateLabels += changed.length;
        changedAt.forEach((at, j) => {
          labels[at] = late.labels[j];
          outcomes[at] = late.report.labels[j];
        });
      }
      const result: Computed = { labels, report: reportOf(outcomes, texts, map) };
      applyRevision(draft, text, input.author, message, now, result);
      return result.report;
    });
    if (!updated) throw notFound(`no document with id "${id}"`);
    if (updated.result === 'retry') continue;
    if (updated.result === null) return { doc: updated.doc, created: false, report: emptyReport(latestRevision(updated.doc).rev) };
    return { doc: updated.doc, created: true, report: updated.result };
  }
  throw conflict(`the labels of this document kept changing while the revision was being computed (${MAX_ATTEMPTS} attempts); nothing was saved: send the revision again`);
}

/** Labels sent to the worker in one message: a message of 20,000 labels and their answer took 50-100 ms of the event loop to copy. */
export const LABELS_PER_JOB = 2_000;

/**
 * Re-anchors `labels` through the change from `texts.oldText` to `texts.newText` (`map` when
 * already computed), on the worker when `offThread`, LABELS_PER_JOB labels per job so that no
 * single copy to or from the worker holds the event loop long (the first job computes the map,
 * the next ones reuse it). Gives the labels moved and their outcomes, in the order given.
 */
async function reanchor(texts: Revisions, labels: Label[], map: ChangeMap | undefined, offThread: boolean): Promise<{ labels: Label[]; outcomes: LabelOutcome[]; map: ChangeMap }> {
  const moved: Label[] = [];
  const outcomes: LabelOutcome[] = [];
  let known = map;
  const step = offThread ? LABELS_PER_JOB : Math.max(labels.length, 1);
  for (let at = 0; at === 0 || at < labels.length; at += step) {
    const slice = offThread ? labels.slice(at, at + step) : labels;
    const job: ReanchorJob = { ...texts, labels: slice, ...(known ? { map: known } : {}) };
    const done: Computed & { map: ChangeMap } = await runJob('reanchor', job, offThread);
    for (const l of done.labels) moved.push(l);
    for (const o of done.report.labels) outcomes.push(o);
    known = done.map;
  }
  return { labels: moved, outcomes, map: known! };
}

/**
 * Whether re-anchoring `labelCount` labels between two texts is small enough for the main thread:
 * the work grows with the text times the number of labels (each touched label searches the text),
 * so a 49,000-character text with 2,000 labels goes to the worker although the text alone is short.
 */
export function smallWork(oldText: string, newText: string, labelCount: number): boolean {
  const length = oldText.length + newText.length;
  return length <= WORKER_THRESHOLD && length * labelCount <= WORK_THRESHOLD;
}

/**
 * Whether two labels (plain JSON data) hold the same values: a label changed by another client
 * since it was re-anchored differs somewhere. Walks the values instead of serialising both (at
 * 20,000 labels, two `JSON.stringify` per label cost the main thread about 0.2 s a revision).
 */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  // for…in over plain data (no inherited enumerable keys): no array of keys made per object.
  let keys = 0;
  for (const k in a) {
    keys++;
    if (!Object.hasOwn(b, k) || !sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  for (const _k in b) keys--;
  return keys === 0;
}

function checkBase(baseRev: number | undefined, latestRev: number): void {
  if (baseRev !== undefined && baseRev !== latestRev) {
    throw conflict(`the text was revised meanwhile: you edited revision ${baseRev}, the latest is revision ${latestRev}`, { latestRev });
  }
}

/**
 * Appends the revision, snapshots the superseded labels, installs the moved ones and records events.
 * `done.labels[i]` and `done.report.labels[i]` are those of `draft.labels[i]`.
 */
function applyRevision(draft: DocumentRecord, text: string, author: string, message: string, now: string, done: Computed): void {
  const superseded = latestRevision(draft);
  const before = draft.labels;
  superseded.labels = before;
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
  done.report.labels.forEach((o, i) => {
    if (o.state === 'exact') return;
    const event: DocEvent = { at: now, actor: author, kind: 'label.reanchored', labelId: o.id, rev, before: trail(before[i]), after: trail(done.labels[i]) };
    draft.events.push(event);
  });
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

/** Starts the worker thread ahead of the first large revision (it takes a moment to load). */
export const warmUpReanchorWorker = warmUpWorker;
export { workerStats };
