import type { Corpus, StatementIndexStorage } from '../store/corpus.js';
import type { DocumentRecord } from '../domain/types.js';
import { latestRevision } from '../domain/types.js';
import type { CorpusDocument, StatementCluster } from '../domain/compare/types.js';
import type { MatchingStats } from '../domain/compare/statements.js';
import { keyedRecord, StatementIndex, type Steps } from '../domain/compare/statement-index.js';
import type { DocumentContribution } from '../domain/compare/contribution.js';
import { countSpeakerLabels, countSpelling, labelRenderings, speakerCounts, speakerCountsOf, speakerList, speakerListOfCounts, type LabelRenderings, type SpeakerLabelCounts } from '../domain/compare/speakers.js';
import { DocumentList } from '../domain/compare/document-list.js';
import { clusterChanges } from '../domain/compare/cluster-changes.js';
import { LabelRenderingIndex } from '../domain/compare/label-rendering-index.js';
import { outletList } from '../domain/compare/outlet-stats.js';
import { nameKey } from '../domain/compare/names.js';
import { compactDocument } from '../domain/compare/compact-document.js';
import { runJob } from './domain-worker.js';
import { foregroundBusy } from './foreground.js';
import { createHash } from 'node:crypto';
import { IndexWriteAbandoned, STATEMENT_INDEX_VERSION, WRITE_SLICE_MS, type StoredStatementIndex } from '../store/index-files.js';

/**
 * Above this much work, the contributions of documents (tokens, sentences, quotations, passages)
 * are computed on the worker thread. The work counts what becomes passages: every document's text
 * plus the text under each of its labels, in UTF-16 code units.
 */
export const COMPARE_WORKER_THRESHOLD = 200_000;

/** Documents read, tokenised and indexed per step of the first build; the event loop gets a turn between steps. */
export const INDEX_CHUNK = 500;

/**
 * Longest stretch of index work (pairs judged, aligned, groups formed) between two turns of the
 * event loop, in milliseconds: other requests wait at most about this long for an update.
 */
export const INDEX_SLICE_MS = 20;

/** Turns of the event loop given during index work since the process started (tests read it). */
export const indexSlices = { turns: 0 };

/** Runs `steps` to the end, giving the event loop a turn whenever INDEX_SLICE_MS have passed since the last one. */
export async function runInSlices<T>(steps: Steps<T>): Promise<T> {
  let since = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - since >= INDEX_SLICE_MS) {
      indexSlices.turns++;
      await new Promise((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}

/** The matching work of documents, as COMPARE_WORKER_THRESHOLD counts it. */
export function matchingWork(docs: CorpusDocument[]): number {
  let work = 0;
  for (const d of docs) {
    work += d.text.length;
    for (const l of d.labels) if (l.anchor.state !== 'orphaned') work += Math.max(0, Math.min(l.end, d.text.length) - l.start);
  }
  return work;
}

/** A first build of at most this many documents is waited for by `answer()` (one step of INDEX_CHUNK). */
export const WAIT_FOR_BUILD_OF = INDEX_CHUNK;

/**
 * A first build that puts back a stored snapshot of at most this many documents, with at most
 * WAIT_FOR_BUILD_OF documents come or gone since, is waited for by `answer()`: it reads every
 * document but tokenises and judges nothing (1.1-2.4 ms a document at 10,000 on the loaded bench
 * machine, README "Benchmarks"). A larger one answers `building` with its progress.
 */
export const WAIT_FOR_RESTORE_OF = 2_000;

/**
 * An update of at most this many documents (label saves, revisions, a small import) is waited for
 * by `answer()`: it costs tens of milliseconds. More (an import of 1,000) is indexed in the
 * background while answers come from the last consistent index, labelled as updating.
 */
export const WAIT_FOR_UPDATE_OF = 50;

/** A background write of the index file pauses while a document changed less than this long ago (see CompareService `pacer`). */
export const SAVE_QUIET_MS = 1_000;

/** At most this much pausing per write of the index file, so a corpus that never stops changing still gets it written. */
export const SAVE_PAUSE_MAX_MS = 300_000;

/** While an update of the index runs, a paused background write of the index file looks again this often (see `pacer`). */
const UPDATE_POLL_MS = 50;

/** What `answer()` gives: see there. */
export type IndexAnswer =
  | { state: 'ready'; snapshot: CompareSnapshot }
  | { state: 'building'; done: number; total: number }
  | { state: 'updating'; snapshot: CompareSnapshot; pending: number };

export { patchSorted } from '../domain/compare/document-list.js';

/** The corpus as matched, with its statements. */
export interface CompareSnapshot {
  /** Every document's latest revision with its labels, by id (an array made when first asked: `document(id)` finds one without it). */
  readonly docs: CorpusDocument[];
  clusters: StatementCluster[];
  /** How many of `clusters` are carried by two documents or more (counted from the updates). */
  acrossDocuments: number;
  byId: Map<string, StatementCluster>;
  stats: MatchingStats;
  /** Milliseconds the last update of the index took (the first build, or the documents changed since). */
  buildMs: number;
  /** One document as matched, `null` when the snapshot does not hold it. */
  document(id: string): CorpusDocument | null;
  /** The documents with a label on their latest revision crediting speaker `id` (a speaker's posting), by id. */
  documentsOfSpeaker(id: string): CorpusDocument[];
  /** Labels that render a statement carried by another document too (computed once per snapshot). */
  labelRenderings(): LabelRenderings;
  /** `outletList(docs)`, kept from one snapshot to the next while no update changed an outlet. */
  outlets(): OutletCount[];
  /** `speakerList(docs)`, counted from the updates (not by reading every document's labels). */
  speakers(): SpeakerCount[];
  /** `speakerCounts(docs)` (labels and outlets per speaker id, the speakers list's), counted from the updates. */
  speakerCounts(): ReturnType<typeof speakerCounts>;
}

type OutletCount = ReturnType<typeof outletList>[number];
type SpeakerCount = ReturnType<typeof speakerList>[number];

/** Times the compare page's outlet or speaker choices were counted over every document (tests read it). */
export const facetScans = { outlets: 0, speakers: 0 };

function scanOutlets(docs: CorpusDocument[]): OutletCount[] {
  facetScans.outlets++;
  return outletList(docs);
}

/** Documents per outlet name key, with the spelling of the first document by id (what outletList shows). */
type OutletCounts = Map<string, { outlet: string; documents: number; firstId: string }>;

/** `outletList(docs)` (docs sorted by id), with the counts it comes from. */
function scanOutletCounts(docs: CorpusDocument[]): OutletCounts {
  facetScans.outlets++;
  const counts: OutletCounts = new Map();
  for (const d of docs) {
    if (!d.outlet) continue;
    const key = nameKey(d.outlet);
    const seen = counts.get(key);
    if (seen) seen.documents++;
    else counts.set(key, { outlet: d.outlet, documents: 1, firstId: d.id });
  }
  return counts;
}

/** The outlet list of counts: as outletList orders it (by name, then by first appearance in id order). */
function outletListOfCounts(counts: OutletCounts): OutletCount[] {
  return [...counts.values()]
    .sort((a, b) => a.outlet.localeCompare(b.outlet) || (a.firstId < b.firstId ? -1 : a.firstId > b.firstId ? 1 : 0))
    .map(({ outlet, documents }) => ({ outlet, documents }));
}

function scanSpeakers(docs: CorpusDocument[]): SpeakerCount[] {
  facetScans.speakers++;
  return speakerList(docs);
}

/**
 * What matching reads of a stored document: its latest revision and the labels on it; the text
 * kept as UTF-8 bytes when that is smaller (domain/compare/compact-document.ts: the service keeps
 * every document it matched).
 */
export function corpusDocumentOf(doc: DocumentRecord): CorpusDocument {
  const latest = latestRevision(doc);
  return compactDocument({
    id: doc.id,
    title: doc.meta.title,
    ...(doc.meta.outlet ? { outlet: doc.meta.outlet } : {}),
    ...(doc.meta.publishedAt ? { publishedAt: doc.meta.publishedAt } : {}),
    rev: latest.rev,
    text: latest.text,
    labels: doc.labels.filter((l) => l.rev === latest.rev),
  });
}

type Listener = (changed: { id: string; before: CorpusDocument | null; after: CorpusDocument | null }[]) => void;

/**
 * Statement matching over the document repository, kept up to date document by document.
 *
 * The first `snapshot()` builds the index: documents are read (`getDocument`, never the whole
 * corpus at once), their contributions computed (on the worker thread when large) and added
 * INDEX_CHUNK at a time, so other requests are answered between steps; compare requests wait for
 * the build. After that, the store's change feed (`onChange`) names the documents touched (a label
 * saved, a text revised, a document deleted, restored or imported) and the next snapshot re-reads
 * and re-indexes only those (see domain/compare/statement-index.ts). A snapshot is shared by all
 * requests until a document changes.
 */
export class CompareService {
  private index = new StatementIndex();
  private readonly pending = new Set<string>();
  private built = false;
  private queue: Promise<unknown> = Promise.resolve();
  private current: CompareSnapshot | null = null;
  private docs = DocumentList.of([]);
  /** Label renderings and the count of statements across documents, as of `clusterList` (see `refresh`). */
  private readonly renderingIndex = new LabelRenderingIndex();
  private clusterList: StatementCluster[] = [];
  private firstBuildPairs = 0;
  /** Speaker id → ids of the documents whose labels credit it. */
  private readonly speakerPostings = new Map<string, Set<string>>();
  private readonly listeners = new Set<Listener>();
  /** Documents indexed so far during the first build, of how many. */
  readonly progress = { done: 0, total: 0 };
  /** Content key (what its passages depend on: text, labels' spans) of each document as the index holds it. */
  private readonly indexedKeys = new Map<string, string>();
  /** Pairs aligned by the first build (none for the documents put back from the stored snapshot). */
  firstBuildAligned = 0;
  /**
   * The first build: documents put back from the stored snapshot as they were (`restored`), and
   * documents indexed afresh (`reindexed`: changed since the snapshot, new, or gone; every document
   * when there was no usable snapshot).
   */
  readonly start = { restored: 0, reindexed: 0 };
  /** The stored snapshot, read once for the first build (and by `answer()` to know what it will cost). */
  private stored: Promise<StoredStatementIndex | null> | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  /** While the index file's records are gathered: the documents updates touched since the gathering began (see `records`). */
  private gathering: Set<string> | null = null;
  /** Changes with each update published (see `refresh`: a snapshot's outlet and speaker choices). */
  private facets: object = {};
  /** `outletList` of the documents as of the last update that changed an outlet. */
  private outletCache: OutletCount[] | null = null;
  /**
   * The counts `outletCache` comes from, kept up to date by the updates once counted (a document
   * imported, deleted or given another outlet moves one count); `null`: counted again from the
   * documents when next asked (an update took out the document whose spelling an outlet shows).
   */
  private outletCounts: OutletCounts | null = null;
  /** How many labels of the documents (latest revisions) name each spelling of each speaker, by name key. */
  private readonly speakerSpellings = new Map<string, Map<string, number>>();
  /** Labels per speaker id and the outlets carrying them, as `speakerCounts` counts them. */
  private readonly speakerLabels: SpeakerLabelCounts = new Map();
  /** When the store last reported a changed document (performance.now()); see `pace`. */
  private lastChangeAt = -Infinity;
  /** Set by `settle()`: a write under way no longer pauses. */
  private settling = false;
  private saving: Promise<void> = Promise.resolve();

  private refreshTimer: NodeJS.Timeout | null = null;
  /**
   * Documents of the update under way, from its start until its snapshot is published (statements
   * formed included); 0 when none runs.
   */
  private indexing = 0;
  private background: Promise<unknown> | null = null;

  /**
   * `storage`: where the index is kept between runs (the corpus's `statementIndex`: a file in the
   * data folder, a row in PostgreSQL); without it nothing is read or written.
   * `refreshAfterChangeMs`: see `refreshSoon`.
   */
  constructor(
    private readonly store: Corpus,
    private readonly options: {
      storage?: StatementIndexStorage;
      warn?: (message: string) => void;
      saveDelayMs?: number;
      /** See `pace`: SAVE_QUIET_MS and SAVE_PAUSE_MAX_MS (tests make them small). */
      saveQuietMs?: number;
      savePauseMaxMs?: number;
      /** Longest stretch of gathering the index file's records between two turns (WRITE_SLICE_MS; tests set 0). */
      gatherSliceMs?: number;
      refreshAfterChangeMs?: number;
      /** See WAIT_FOR_BUILD_OF, WAIT_FOR_RESTORE_OF and WAIT_FOR_UPDATE_OF (tests make them small). */
      waitForBuildOf?: number;
      waitForRestoreOf?: number;
      waitForUpdateOf?: number;
    } = {},
  ) {
    store.onChange((id) => {
      this.pending.add(id);
      this.lastChangeAt = performance.now();
      this.refreshSoon();
    });
  }

  /** The last snapshot made, `null` before the first. */
  get latest(): CompareSnapshot | null {
    return this.current;
  }

  /**
   * With `refreshAfterChangeMs`, once built, the index follows changes in the background that long
   * after the last one, so an import is indexed before the next compare request (which would
   * otherwise do it, and wait).
   */
  private refreshSoon(): void {
    const delay = this.options.refreshAfterChangeMs;
    if (delay === undefined || !this.built) return;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.snapshot().catch((err) => (this.options.warn ?? console.warn)(`statement index update failed: ${(err as Error).message}`));
    }, delay);
    this.refreshTimer.unref();
  }

  /** Calls `listener` with the documents each update replaced (before and after; `null`: none). */
  onUpdate(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The statements of the corpus as it is now. Requests that arrive while an update runs share it;
   * only documents changed since the last snapshot are indexed again.
   */
  snapshot(): Promise<CompareSnapshot> {
    if (this.upToDate()) return Promise.resolve(this.current!);
    const next = this.queue.then(() => this.refresh());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private upToDate(): boolean {
    return this.current !== null && this.built && this.pending.size === 0 && this.indexing === 0;
  }

  /**
   * What a page shows now, without waiting for long index work:
   * - `ready`: the statements of the corpus as it is (small work, a first build of at most
   *   WAIT_FOR_BUILD_OF documents, a restore from the stored snapshot of at most
   *   WAIT_FOR_RESTORE_OF or an update of at most WAIT_FOR_UPDATE_OF, is waited for);
   * - `building`: the first build runs (started here if it was not), `done` of `total` documents
   *   read so far; there is nothing to show yet;
   * - `updating`: more documents changed than WAIT_FOR_UPDATE_OF (an import): the statements of the
   *   last consistent index, while `pending` documents are indexed in the background.
   * The decision counts documents, not time, so the same corpus always gets the same kind of answer.
   */
  async answer(): Promise<IndexAnswer> {
    if (this.upToDate()) return { state: 'ready', snapshot: this.current! };
    if (!this.current) {
      // Not built yet (or its statements are being formed): nothing consistent to show. Putting
      // the stored snapshot back costs reading the documents, not indexing them: see
      // WAIT_FOR_RESTORE_OF.
      const total = this.progress.total || this.store.count;
      const limit = this.options.waitForBuildOf ?? WAIT_FOR_BUILD_OF;
      if (total > limit && !(total <= (this.options.waitForRestoreOf ?? WAIT_FOR_RESTORE_OF) && (await this.restorable(limit)))) {
        this.inBackground();
        return { state: 'building', done: this.progress.done, total };
      }
    } else if (this.pending.size + this.indexing > (this.options.waitForUpdateOf ?? WAIT_FOR_UPDATE_OF)) {
      this.inBackground();
      return { state: 'updating', snapshot: this.current, pending: this.pending.size + this.indexing };
    }
    return { state: 'ready', snapshot: await this.snapshot() };
  }

  /** Whether the first build puts back a stored snapshot whose documents differ from the catalogue's by at most `limit` ids. */
  private async restorable(limit: number): Promise<boolean> {
    if (this.built) return false;
    const stored = await this.loadStored();
    if (!stored || this.built) return false;
    const ids = new Set(this.store.summaries().map((s) => s.id));
    let differ = 0;
    for (const d of stored.documents) if (!ids.delete(d.id)) differ++;
    return differ + ids.size <= limit;
  }

  private loadStored(): Promise<StoredStatementIndex | null> {
    const storage = this.options.storage;
    if (!storage) return Promise.resolve(null);
    return (this.stored ??= storage.read(this.options.warn).catch((err) => {
      (this.options.warn ?? console.warn)(`statement index snapshot not read (${(err as Error).message}); it is rebuilt from the documents`);
      return null;
    }));
  }

  /** Starts bringing the index up to date unless that is under way; failures are reported, not thrown. */
  private inBackground(): void {
    if (this.background) return;
    this.background = this.snapshot()
      .catch((err) => (this.options.warn ?? console.warn)(`statement index update failed: ${(err as Error).message}`))
      .finally(() => (this.background = null));
  }

  private async refresh(): Promise<CompareSnapshot> {
    if (this.upToDate()) return this.current!;
    const started = performance.now();
    let changed: Parameters<Listener>[0];
    const attempted = this.built ? [...this.pending] : [];
    try {
      changed = this.built ? await this.applyPending() : await this.firstBuild();
      await runInSlices(this.index.formGroups());
    } catch (err) {
      // Read again by the next update (a failed first build starts over anyway).
      for (const id of attempted) this.pending.add(id);
      throw err;
    } finally {
      this.indexing = 0;
    }
    const clusters = this.index.clusters();
    this.followClusters(clusters);
    const list = this.docs;
    let docs: CorpusDocument[] | null = null;
    const flat = () => (docs ??= list.toArray());
    let renderings: LabelRenderings | null = null;
    let byIdMap: Map<string, StatementCluster> | null = null;
    // The page's outlet and speaker choices: from the counts the updates keep while they describe
    // this snapshot's documents (`facets` is set once this update is published below); else (an
    // older snapshot asked after a newer one) from its documents.
    let facets: object | null = null;
    let outlets: OutletCount[] | null = null;
    let speakers: SpeakerCount[] | null = null;
    const snap: CompareSnapshot = {
      outlets: () => (outlets ??= facets === this.facets ? (this.outletCache ??= outletListOfCounts((this.outletCounts ??= scanOutletCounts(flat())))) : scanOutlets(flat())),
      speakers: () => (speakers ??= facets === this.facets ? speakerListOfCounts(this.speakerSpellings) : scanSpeakers(flat())),
      speakerCounts: () => (facets === this.facets ? speakerCountsOf(this.speakerLabels) : speakerCounts(flat())),
      documentsOfSpeaker: (id) => [...(this.speakerPostings.get(id) ?? [])].sort().map((d) => list.get(d)).filter((d): d is CorpusDocument => d !== null),
      // The index kept up to date while it describes this snapshot's statements; else (an older
      // snapshot asked after a newer one) counted from them.
      labelRenderings: () => {
        if (renderings) return renderings;
        if (this.clusterList !== clusters) return (renderings = labelRenderings(clusters));
        let whole: LabelRenderings | null = null;
        return (renderings = { get: (labelId) => (this.clusterList === clusters ? this.renderingIndex.get(labelId, clusters) : (whole ??= labelRenderings(clusters)).get(labelId)) });
      },
      document: (id) => list.get(id),
      get docs() {
        return flat();
      },
      clusters,
      acrossDocuments: this.renderingIndex.acrossDocuments,
      // Made when first asked (a statement's page): at 100,000 documents a map of every statement
      // took tens of milliseconds of each update's publishing, asked for or not.
      get byId() {
        return (byIdMap ??= new Map(clusters.map((c) => [c.id, c])));
      },
      stats: {
        documents: this.index.documentCount,
        passages: this.index.passageTotal,
        candidatePairs: this.firstBuildPairs,
        matches: this.index.matchCount,
        clusters: clusters.length,
        boilerplateSkipped: this.index.boilerplateSkipped,
        ms: { passages: 0, candidatesAndAlign: 0, build: 0 },
      },
      buildMs: performance.now() - started,
    };
    // Published with the snapshot they belong to: listeners (the outlet sums) never see documents
    // of an update whose statements are not formed yet.
    this.current = snap;
    this.emit(changed);
    facets = this.facets;
    return snap;
  }

  /**
   * Brings the label renderings and the count of statements across documents from the statements
   * of the last update to `clusters`: the statements formed and dropped, found in one walk of both
   * lists (cluster-changes.ts); counted again from `clusters` when that walk cannot tell.
   */
  private followClusters(clusters: StatementCluster[]): void {
    if (clusters === this.clusterList) return;
    const changes = clusterChanges(this.clusterList, clusters, (c) => this.renderingIndex.has(c));
    if (changes) this.renderingIndex.apply(changes);
    else this.renderingIndex.reset(clusters);
    this.clusterList = clusters;
  }

  private async firstBuild(): Promise<Parameters<Listener>[0]> {
    this.pending.clear(); // every document is read below, as it is from now on
    const ids = this.allIds();
    this.progress.total = ids.length;
    this.progress.done = 0;
    this.indexing = ids.length;
    const stored = await this.loadStored();
    let all: CorpusDocument[] = [];
    let restored = false;
    if (stored) {
      for (let at = 0; at < ids.length; at += INDEX_CHUNK) {
        for (const c of await this.read(ids.slice(at, at + INDEX_CHUNK))) if (c.doc) all.push(c.doc);
        this.progress.done = Math.min(ids.length, at + INDEX_CHUNK);
      }
      try {
        await this.restore(stored, all);
        restored = true;
      } catch (err) {
        (this.options.warn ?? console.warn)(`statement index snapshot does not fit the documents (${(err as Error).message}); it is rebuilt from the documents`);
        this.index = new StatementIndex();
        this.indexedKeys.clear();
        this.progress.done = 0;
        this.firstBuildPairs = 0;
        this.firstBuildAligned = 0;
      }
    }
    if (!restored) {
      const fromStore = !stored;
      const rebuilt: CorpusDocument[] = [];
      for (let at = 0; at < (fromStore ? ids.length : all.length); at += INDEX_CHUNK) {
        const present = fromStore ? (await this.read(ids.slice(at, at + INDEX_CHUNK))).map((c) => c.doc).filter((d): d is CorpusDocument => d !== null) : all.slice(at, at + INDEX_CHUNK);
        await this.indexChanges(present.map((doc) => ({ id: doc.id, doc })));
        rebuilt.push(...present);
        this.progress.done = Math.min(ids.length, at + INDEX_CHUNK);
        await new Promise((resolve) => setImmediate(resolve));
      }
      all = rebuilt;
      this.start.restored = 0;
      this.start.reindexed = all.length;
    }
    this.stored = null;
    this.docs = DocumentList.of(all.sort(byId));
    this.built = true;
    // A restore that took in no change leaves the stored file as it is (writing it again re-tokenises
    // every document: about 100 s of one core at 100,000).
    if (!restored || this.start.reindexed > 0) this.scheduleSave(0);
    return all.map((doc) => ({ id: doc.id, before: null, after: doc }));
  }

  /**
   * Puts the stored snapshot back (no document tokenised, no pair judged), then indexes the
   * documents that changed since it was written, came or went, as an update would.
   */
  private async restore(stored: StoredStatementIndex, all: CorpusDocument[]): Promise<void> {
    const byIdNow = new Map(all.map((d) => [d.id, d]));
    const records = stored.documents.map((record) => {
      const doc = byIdNow.get(record.id);
      const same = doc !== undefined && contentKey(doc) === record.key;
      // A document changed or gone is put back as it was (its old passages and matches) and
      // replaced below, so every pair its change touches is judged again.
      return { doc: same ? doc : { id: record.id, title: '', rev: 0, text: '', labels: [] }, record, replaced: !same };
    });
    await runInSlices(this.index.restoreSteps(stored.words, records, stored.matches));
    const storedIds = new Set(stored.documents.map((d) => d.id));
    const changes: { id: string; doc: CorpusDocument | null }[] = [];
    for (const r of records) if (r.replaced) changes.push({ id: r.record.id, doc: byIdNow.get(r.record.id) ?? null });
    for (const d of all) if (!storedIds.has(d.id)) changes.push({ id: d.id, doc: d });
    changes.sort(byId);
    for (const r of records) if (!r.replaced) this.indexedKeys.set(r.record.id, r.record.key);
    for (let at = 0; at < changes.length; at += INDEX_CHUNK) await this.indexChanges(changes.slice(at, at + INDEX_CHUNK));
    this.start.restored = records.length - records.filter((r) => r.replaced).length;
    this.start.reindexed = changes.length;
  }

  /** Indexes the given documents afresh (`null`: gone), their contributions computed on the worker thread when large. */
  private async indexChanges(changes: { id: string; doc: CorpusDocument | null }[]): Promise<void> {
    if (this.gathering) for (const c of changes) this.gathering.add(c.id);
    const present = changes.filter((c) => c.doc !== null).map((c) => c.doc!);
    const contributions = await this.contributions(present);
    const contributionOf = new Map(present.map((d, i) => [d.id, contributions[i]]));
    const step = await runInSlices(this.index.updateSteps(changes.map((c) => ({ id: c.id, doc: c.doc, ...(c.doc ? { contribution: contributionOf.get(c.id)! } : {}) }))));
    for (const c of changes) {
      if (c.doc) this.indexedKeys.set(c.id, contentKey(c.doc));
      else this.indexedKeys.delete(c.id);
    }
    if (!this.built) {
      this.firstBuildPairs += step.pairsJudged;
      this.firstBuildAligned += step.aligned;
    }
  }

  /** Re-indexes the documents changed since; many (an import) go INDEX_CHUNK at a time, with a turn of the event loop between. */
  private async applyPending(): Promise<Parameters<Listener>[0]> {
    const all = [...this.pending].sort();
    this.pending.clear();
    this.indexing = all.length;
    const changed: Parameters<Listener>[0] = [];
    for (let at = 0; at < all.length; at += INDEX_CHUNK) {
      if (at > 0) await new Promise((resolve) => setImmediate(resolve));
      const ids = all.slice(at, at + INDEX_CHUNK);
      const changes = await this.read(ids);
      const before = new Map(ids.map((id) => [id, this.index.document(id)]));
      await this.indexChanges(changes);
      this.docs = this.docs.patched(changes);
      for (const c of changes) changed.push({ id: c.id, before: before.get(c.id) ?? null, after: c.doc });
    }
    this.scheduleSave(this.options.saveDelayMs ?? 5_000);
    return changed;
  }

  private emit(changed: Parameters<Listener>[0]): void {
    if (changed.length) this.facets = {};
    for (const { id, before, after } of changed) {
      if ((before?.outlet ?? '') !== (after?.outlet ?? '')) this.countOutlet(id, before?.outlet, after?.outlet);
      for (const l of before?.labels ?? []) countSpelling(this.speakerSpellings, l.speaker, -1);
      for (const l of after?.labels ?? []) countSpelling(this.speakerSpellings, l.speaker, 1);
      if (before) countSpeakerLabels(this.speakerLabels, before, -1);
      if (after) countSpeakerLabels(this.speakerLabels, after, 1);
    }
    for (const { id, before, after } of changed) {
      for (const l of before?.labels ?? []) this.speakerPostings.get(l.speakerId ?? '')?.delete(id);
      for (const l of after?.labels ?? []) {
        if (!l.speakerId) continue;
        let ids = this.speakerPostings.get(l.speakerId);
        if (!ids) this.speakerPostings.set(l.speakerId, (ids = new Set()));
        ids.add(id);
      }
    }
    for (const listener of this.listeners) listener(changed);
  }

  /** Moves document `id` from outlet `before` to `after` (either may be none) in the counts of the outlet list. */
  private countOutlet(id: string, before: string | undefined, after: string | undefined): void {
    this.outletCache = null;
    const counts = this.outletCounts;
    if (!counts) return;
    if (before) {
      const key = nameKey(before);
      const seen = counts.get(key);
      // The spelling shown is the first document's by id: when that document leaves, count again.
      if (!seen || seen.firstId === id) {
        this.outletCounts = null;
        return;
      }
      seen.documents--;
    }
    if (after) {
      const key = nameKey(after);
      const seen = counts.get(key);
      if (!seen) counts.set(key, { outlet: after, documents: 1, firstId: id });
      else {
        seen.documents++;
        if (id < seen.firstId) {
          seen.firstId = id;
          seen.outlet = after;
        }
      }
    }
  }

  private async read(ids: string[]): Promise<{ id: string; doc: CorpusDocument | null }[]> {
    const out: { id: string; doc: CorpusDocument | null }[] = [];
    for (const id of ids) {
      const doc = await this.store.getDocument(id);
      out.push({ id, doc: doc ? corpusDocumentOf(doc) : null });
    }
    return out;
  }

  /** Writes the index file `delayMs` after the last change (one write for a burst of saves). */
  private scheduleSave(delayMs: number): void {
    if (!this.options.storage) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.save({ paced: true });
    }, delayMs);
    this.saveTimer.unref();
  }

  /**
   * Stops the background work: a refresh or snapshot write not yet started is dropped, one under
   * way is waited for (a test removing its data folder, or a shutdown, after this).
   */
  async settle(): Promise<void> {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    await this.queue.catch(() => undefined);
    this.settling = true;
    try {
      await this.saving;
    } finally {
      this.settling = false;
    }
  }

  /**
   * Writes the index file now (after any write under way); resolves once it is on disk. `paced`: the
   * background write after changes, which pauses while documents keep changing (see `pacer`).
   */
  save(options: { paced?: boolean } = {}): Promise<void> {
    const storage = this.options.storage;
    if (!storage || !this.built) return Promise.resolve();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    // After the update under way (it runs in slices): the file never holds a half-updated index.
    const pace = options.paced ? this.pacer() : () => new Promise<void>((resolve) => setImmediate(resolve));
    this.saving = this.saving
      .then(() => this.queue)
      .then(() => this.records(pace))
      .then((records) => (records ? storage.write(records, pace) : undefined))
      .catch((err) => {
        // Given up because the data folder closed (the file on disk is left as it was): no fault.
        if (err instanceof IndexWriteAbandoned) return;
        (this.options.warn ?? console.warn)(`statement index not written: ${(err as Error).message}`);
      });
    return this.saving;
  }

  /**
   * What the index file holds, gathered in slices, with a turn of the event loop every
   * `gatherSliceMs` (WRITE_SLICE_MS). Each document's words are found again from its text as the
   * file is encoded (documentRecords: one document's at a time). Updates may run meanwhile (label
   * saves never stop coming on a busy corpus, and gathering 100,000 documents takes seconds): the
   * documents they touch are noted, and once no update is under way their records are taken again,
   * with the matches and the dictionary, in one synchronous piece, so the file holds the index as it
   * was at that moment. `null` only when the index itself was replaced meanwhile (a restore).
   */
  private async records(pace: () => Promise<void>): Promise<StoredStatementIndex | null> {
    const index = this.index;
    const touched = new Set<string>();
    this.gathering = touched;
    try {
      const slice = this.options.gatherSliceMs ?? WRITE_SLICE_MS;
      const documents = new Map<string, StoredStatementIndex['documents'][number]>();
      let since = performance.now();
      for (const r of index.documentRecords()) {
        if (!touched.has(r.id)) documents.set(r.id, keyedRecord(r, this.indexedKeys.get(r.id)!));
        if (performance.now() - since < slice) continue;
        await pace();
        if (this.index !== index) return null;
        since = performance.now();
      }
      // No update half-way through its steps from here to the end (they run in slices, in `queue`).
      while (this.indexing !== 0) {
        await this.queue;
        if (this.index !== index) return null;
      }
      let inOrder = true;
      for (const id of touched) {
        documents.delete(id);
        const r = index.documentRecord(id);
        if (r) {
          documents.set(id, keyedRecord(r, this.indexedKeys.get(id)!));
          inOrder = false;
        }
      }
      const list = [...documents.values()];
      if (!inOrder) list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { version: STATEMENT_INDEX_VERSION, words: index.dictionary(), documents: list, matches: index.matchRecords() };
    } finally {
      this.gathering = null;
    }
  }

  /**
   * What a background write of the index file awaits between two of its slices: one turn of the
   * event loop, and, while documents are changing (a change reported less than `saveQuietMs` ago: an
   * import, a burst of saves), a pause until they have been quiet that long. Gathering and encoding
   * the file re-tokenise every document (about 100 s of one core at 100,000 documents), which would
   * otherwise take turns with the import's own work and slow it several times over (README
   * "Benchmarks"). It also pauses while an update of the index runs (an import being indexed): the
   * pages answered meanwhile from the last consistent index would otherwise wait for the write's
   * slices as well as the update's (after a first build at 100,000 documents the write took 27% of the
   * main thread while an import was indexed). The pauses of one
   * write add up to at most `savePauseMaxMs`, so a corpus that never stops changing still gets its
   * file written; `settle()` ends them.
   */
  private pacer(): () => Promise<void> {
    const quiet = this.options.saveQuietMs ?? SAVE_QUIET_MS;
    let budget = this.options.savePauseMaxMs ?? SAVE_PAUSE_MAX_MS;
    return async () => {
      await new Promise((resolve) => setImmediate(resolve));
      for (;;) {
        const since = performance.now() - this.lastChangeAt;
        // An update of the index or an export under way: look again shortly (see foreground.ts).
        const updating = this.indexing > 0 || foregroundBusy();
        if (this.settling || budget <= 0 || (since >= quiet && !updating)) return;
        const wait = Math.min(Math.max(quiet - since, updating ? UPDATE_POLL_MS : 0), budget);
        budget -= wait;
        this.writePauses++;
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
      }
    };
  }

  /** Pauses background index writes took (see `pacer`; tests read it). */
  writePauses = 0;

  /** Contributions of documents: on the worker thread when there is much to tokenise. */
  private contributions(docs: CorpusDocument[]): Promise<DocumentContribution[]> {
    if (docs.length === 0) return Promise.resolve([]);
    return runJob('contributions', docs.map((d) => ({ text: d.text, labels: d.labels })), matchingWork(docs) > COMPARE_WORKER_THRESHOLD);
  }

  /** Every document's id, from the catalogue (no document read), sorted. */
  private allIds(): string[] {
    return this.store.summaries().map((s) => s.id).sort();
  }
}

/** What a document's passages depend on: its text and its labels' spans (and whether they are orphaned). */
function contentKey(d: CorpusDocument): string {
  // Hashed natively: FNV in JavaScript over a 2,000,000-character text held the event loop 80 ms.
  const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
  return `${digest(d.text)}:${digest(d.labels.map((l) => `${l.id}:${l.start}:${l.end}:${l.anchor.state === 'orphaned' ? 'o' : ''}`).join(','))}`;
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
