import { latestRevision, type DocumentRecord } from '../domain/types.js';

export interface IndexHit {
  id: string;
  score: number;
}

/**
 * Characters of a document's latest text that are indexed (UTF-16 code units, from the start):
 * a longer text is indexed only up to here and words found only beyond it are not found by the search.
 */
export const MAX_INDEXED_CHARS = 100_000;

/** How texts are cut into words: at spaces, line breaks and punctuation (as minisearch did); words are lower-cased. */
const SPLIT = /[\n\r\p{Z}\p{P}]+/u;
/** Field boosts: title, outlet, text. */
const BOOSTS = [3, 2, 1];
/** BM25+ parameters (those minisearch used). */
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;
/** A query word of this many characters or more also matches the words it starts, weighted down. */
const PREFIX_FROM = 3;
const PREFIX_WEIGHT = 0.375;
/** Postings live in blocks (powers of two) carved from pages of this size; a larger block gets a page of its own. */
const PAGE = 1 << 22;
const MIN_BLOCK = 8;
/** The most bytes one posting takes: a document delta, a code and two term frequencies, 5 bytes each at most. */
const MAX_POSTING = 20;
/** New terms are kept unsorted until there are this many, then merged into the sorted list (for prefix lookups). */
const RECENT_TERMS = 2048;

/** The words of `text`, as the index cuts them: lower-cased, empty pieces left out. */
export function wordsOf(text: string): string[] {
  const out: string[] = [];
  for (const token of text.split(SPLIT)) if (token) out.push(token.toLowerCase());
  return out;
}

/** The words of a query, in order (repeats kept; at most what a 200-character query holds). */
export function queryWords(q: string): string[] {
  return wordsOf(q);
}

/** What a document is indexed as: a key that changes when its latest revision, title or outlet does. */
export function indexKey(doc: DocumentRecord): string {
  const latest = latestRevision(doc);
  return JSON.stringify([latest.rev, latest.createdAt, latest.text.length, doc.meta.title, doc.meta.outlet ?? '']);
}

/** The revision, title and outlet an index key was made from (to check a stored index against the catalogue). */
export function keyParts(key: string): { rev: number; title: string; outlet: string } | null {
  try {
    const k = JSON.parse(key) as unknown[];
    if (!Array.isArray(k) || typeof k[0] !== 'number' || typeof k[3] !== 'string' || typeof k[4] !== 'string') return null;
    return { rev: k[0], title: k[3], outlet: k[4] };
  } catch {
    return null;
  }
}

/**
 * The words of a document's title, outlet and indexed text that a query matched (a query word
 * itself, or for a query word of 3+ characters a word it starts): what a snippet is centred on.
 * In the order they first occur (title, outlet, then text).
 */
export function matchedTerms(q: string, fields: { title: string; outlet?: string; text: string }): string[] {
  const wanted = [...new Set(queryWords(q))];
  const found = new Set<string>();
  for (const field of [fields.title, fields.outlet ?? '', fields.text.slice(0, MAX_INDEXED_CHARS)]) {
    const words = matchedWordsFast(field, wanted);
    if (words === null) {
      matchedWordsSlow(field, wanted, found);
      continue;
    }
    for (const word of words) found.add(word);
  }
  return [...found];
}

/** The matched words of `field` as `wordsOf` cuts it, word by word (the reference `matchedWordsFast` answers like). */
function matchedWordsSlow(field: string, wanted: string[], found: Set<string>): void {
  for (const word of wordsOf(field)) {
    if (found.has(word)) continue;
    if (wanted.some((w) => word === w || (w.length >= PREFIX_FROM && word.startsWith(w)))) found.add(word);
  }
}

const SEPARATOR = /^[\n\r\p{Z}\p{P}]$/u;
/** Which ASCII characters SPLIT cuts at (from SPLIT's own classes: tab and $+<=>^`|~ are not among them). */
const ASCII_SEPARATOR = Uint8Array.from({ length: 128 }, (_, c) => (SEPARATOR.test(String.fromCharCode(c)) ? 1 : 0));

/** Whether code point `cp` is one SPLIT cuts at. */
function isSeparator(cp: number): boolean {
  return cp < 128 ? ASCII_SEPARATOR[cp] === 1 : SEPARATOR.test(String.fromCodePoint(cp));
}

/**
 * The words of `field` (every occurrence, in order) that are a wanted word or start one of 3+
 * characters, found by looking for the wanted words in the lower-cased field instead of cutting all
 * of it into words (the search's snippets: cutting 20 texts of 3 KB took about 2 ms a page).
 * `null` when the field lower-cased whole may differ from its words lower-cased one by one: a
 * capital sigma (lower-cased by what follows it) or a character whose lower case is longer
 * (U+0130), i.e. a lower-cased field not the same length. Otherwise every code point lower-cases
 * alone to a code point of the same length that is a separator exactly when it was, so the words of
 * the lower-cased field are the lower-cased words, at the same places.
 */
function matchedWordsFast(field: string, wanted: string[]): string[] | null {
  const lower = field.toLowerCase();
  if (lower.length !== field.length || field.includes('\u03a3') || field.includes('\u0130')) return null;
  const at: Array<[number, string]> = [];
  const n = lower.length;
  for (const w of wanted) {
    for (let p = lower.indexOf(w); p >= 0; p = lower.indexOf(w, p + 1)) {
      if (p > 0) {
        // Only where a word starts: after a separator (the code point ending just before p).
        const c = lower.charCodeAt(p - 1);
        let before = c;
        if (c >= 0xdc00 && c <= 0xdfff && p >= 2) {
          const h = lower.charCodeAt(p - 2);
          if (h >= 0xd800 && h <= 0xdbff) before = (h - 0xd800) * 0x400 + (c - 0xdc00) + 0x10000;
        } else if (c >= 0xd800 && c <= 0xdbff) {
          const l = lower.charCodeAt(p);
          if (l >= 0xdc00 && l <= 0xdfff) continue; // p is inside a surrogate pair
        }
        if (!isSeparator(before)) continue;
      }
      let e = p;
      while (e < n) {
        const cp = lower.codePointAt(e)!;
        if (isSeparator(cp)) break;
        e += cp > 0xffff ? 2 : 1;
      }
      const word = lower.slice(p, e);
      if (word === w || (w.length >= PREFIX_FROM && word.startsWith(w))) at.push([p, word]);
    }
  }
  at.sort((a, b) => a[0] - b[0]);
  return at.map(([, word]) => word);
}

function growU32(a: Uint32Array, n: number): Uint32Array {
  if (n <= a.length) return a;
  const b = new Uint32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
function growI32(a: Int32Array, n: number): Int32Array {
  if (n <= a.length) return a;
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
function growU16(a: Uint16Array, n: number): Uint16Array {
  if (n <= a.length) return a;
  const b = new Uint16Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
function growU8(a: Uint8Array, n: number): Uint8Array {
  if (n <= a.length) return a;
  const b = new Uint8Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
function growF64(a: Float64Array, n: number): Float64Array {
  if (n <= a.length) return a;
  return new Float64Array(Math.max(n, a.length * 2));
}

/** The state a stored index file holds (see search-index-file.ts). */
export interface IndexParts {
  ids: Array<string | null>;
  keys: string[];
  lens: Uint32Array;
  terms: string[];
  /** Per term, in `terms` order: postings count, last document number, bytes, and where the bytes are in `page`. */
  count: Uint32Array;
  last: Int32Array;
  used: Uint32Array;
  off: Uint32Array;
  page: Uint8Array;
}

/**
 * Full-text search over titles, outlets and latest texts: an inverted index of our own, in typed
 * arrays. Each distinct word has a term number (a Map from word to number) and one posting list:
 * for every document holding it, the document number as a varint delta from the previous one, then
 * `tf(text) * 4 + (in title) + 2 * (in outlet)` and the title and outlet frequencies when present,
 * varints too, in a growable block. A document that is re-indexed or removed is only marked dead
 * (its number is not reused); the postings are compacted when the dead documents or the space left
 * behind by moved blocks grow past a share of the whole.
 *
 * Ranking is BM25+ per field (k1 1.2, b 0.7, delta 0.5) with titles counting three times and outlets
 * twice; every query word must match (AND); a query word of 3+ characters also matches the words it
 * starts, at 0.375 x len / (len + 0.3 x extra characters); the sum is multiplied by the number of
 * distinct query words. This is what minisearch computed with the options used before (see the
 * README for why it was replaced); only the documents' live counts differ (minisearch counted
 * discarded documents in a word's frequency until it vacuumed them).
 */
export class SearchIndex {
  // Terms.
  private dict = new Map<string, number>();
  private termStr: string[] = [];
  private sorted: string[] = [];
  private recent: string[] = [];
  private tPage: Uint16Array = new Uint16Array(1024);
  private tOff: Uint32Array = new Uint32Array(1024);
  private tCap: Uint32Array = new Uint32Array(1024);
  private tUsed: Uint32Array = new Uint32Array(1024);
  private tLast: Int32Array = new Int32Array(1024);
  private tCount: Uint32Array = new Uint32Array(1024);
  // Documents.
  private docIds: Array<string | null> = [];
  private docKeys: string[] = [];
  private lens: Uint32Array = new Uint32Array(3 * 1024);
  private dead: Uint8Array = new Uint8Array(1024);
  private byId = new Map<string, number>();
  private lenSum = [0, 0, 0];
  private live = 0;
  private deadCount = 0;
  // Postings storage.
  private pages: Uint8Array[] = [];
  private bumpPage = -1;
  private bumpUsed = 0;
  private freeBlocks: number[][] = [];
  private wasted = 0;
  private added = 0;
  private changes = 0;
  private pinned = 0;
  private compaction: Compaction | null = null;
  /** Bytes of postings a slice of a compaction rewrites at most (documents: this / 128) before giving other work a turn. */
  sliceWork = 256 * 1024;
  /**
   * Posting lists of at least this many postings, held by at least one document in 16, get a dense
   * view when a query confirms a few candidates against them (see `dense`).
   */
  denseFrom = 4096;
  /** Bytes the dense views may hold together (frequencies, bits and title/outlet lists: viewSize); the least recently used go first. */
  denseBudget = 32 * 2 ** 20;
  private views = new Map<number, DenseView>();
  private viewBytes = 0;
  /** Slices of compaction run since this index was made (each in a turn of its own when in the background). */
  compactionSlices = 0;
  // Scratch for inserts.
  private insTf: Uint32Array = new Uint32Array(3 * 1024);
  private readonly insTerms: number[] = [];
  // Scratch for searches.
  private scores: Float64Array = new Float64Array(0);
  private stage: Uint8Array = new Uint8Array(0);
  private sDoc: Int32Array = new Int32Array(1024);
  private sTf: Uint32Array = new Uint32Array(3 * 1024);
  private sTouched: Int32Array = new Int32Array(0);
  private sMatch: Uint32Array = new Uint32Array(0);
  private sWord: Uint32Array = new Uint32Array(0);
  private sDone: Uint32Array = new Uint32Array(0);
  private readonly reader = new PostingReader();
  /** Searches answered by `searchBounded` since this index was made, and the documents they scored (tests check which path ran and what it skipped). */
  boundedSearches = 0;
  boundedScored = 0;

  /** Called after every change (the stored copy uses it to schedule a write). */
  onChange: (() => void) | null = null;
  /** While set, collects the ids put or removed (a stored copy being read at start uses it). */
  touchedSince: Set<string> | null = null;

  /** Documents in the index. */
  get size(): number {
    return this.live;
  }

  /** How many times a document was (re-)indexed since this index was made. */
  get indexedDocuments(): number {
    return this.added;
  }

  /** Goes up with every change: a stored copy made at one value is current while it stays the same. */
  get version(): number {
    return this.changes;
  }

  /** Distinct words known (some may be left only in dead documents until the next compaction). */
  get termCount(): number {
    return this.termStr.length;
  }

  /** Bytes of postings storage held (pages), and of it the part left behind by moved blocks. */
  get storage(): { bytes: number; wasted: number; deadDocuments: number } {
    let bytes = 0;
    for (const p of this.pages) bytes += p.byteLength;
    return { bytes, wasted: this.wasted, deadDocuments: this.deadCount };
  }

  /** Dense views held (see `dense`) and their bytes. */
  get denseViews(): { count: number; bytes: number } {
    return { count: this.views.size, bytes: this.viewBytes };
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The key the document was indexed with (see indexKey), or undefined. */
  keyOf(id: string): string | undefined {
    const d = this.byId.get(id);
    return d === undefined ? undefined : this.docKeys[d];
  }

  /** Ids of every document in the index. */
  ids(): IterableIterator<string> {
    return this.byId.keys();
  }

  /**
   * Adds or replaces the document's entry; does nothing when its searchable fields (latest
   * revision, title, outlet) are what they were when it was last indexed, such as after a label save.
   */
  put(doc: DocumentRecord): void {
    const key = indexKey(doc);
    const at = this.byId.get(doc.id);
    if (at !== undefined && this.docKeys[at] === key) return;
    this.touchedSince?.add(doc.id);
    this.compaction?.touched.add(doc.id);
    if (at !== undefined) this.kill(at);
    this.insert(doc.id, key, doc.meta.title, doc.meta.outlet ?? '', latestRevision(doc).text.slice(0, MAX_INDEXED_CHARS));
    this.added++;
    this.changes++;
    this.maybeCompact();
    this.onChange?.();
  }

  remove(id: string): void {
    this.touchedSince?.add(id);
    this.compaction?.touched.add(id);
    const at = this.byId.get(id);
    if (at === undefined) return;
    this.kill(at);
    this.changes++;
    this.maybeCompact();
    this.onChange?.();
  }

  private insert(id: string, key: string, title: string, outlet: string, text: string): void {
    const d = this.docIds.length;
    this.docIds.push(id);
    this.docKeys.push(key);
    this.byId.set(id, d);
    this.dead = growU8(this.dead, d + 1);
    this.lens = growU32(this.lens, 3 * (d + 1));
    // Frequencies per term number and field, in a scratch array zeroed again after the appends.
    const seen = this.insTerms;
    seen.length = 0;
    const fields = [title, outlet, text];
    for (let f = 0; f < 3; f++) {
      const tokens = fields[f].split(SPLIT);
      // A field's length is its number of distinct pieces, as minisearch counted it (an empty piece included).
      const length = new Set(tokens).size;
      this.lens[3 * d + f] = length;
      this.lenSum[f] += length;
      for (const token of tokens) {
        if (!token) continue;
        const t = this.termNumber(token.toLowerCase());
        if (3 * t + 3 > this.insTf.length) this.insTf = growU32(this.insTf, 3 * t + 3);
        const tf = this.insTf;
        if (tf[3 * t] === 0 && tf[3 * t + 1] === 0 && tf[3 * t + 2] === 0) seen.push(t);
        tf[3 * t + f]++;
      }
    }
    this.live++;
    const tf = this.insTf;
    for (const t of seen) {
      this.append(t, d, tf[3 * t], tf[3 * t + 1], tf[3 * t + 2]);
      tf[3 * t] = 0;
      tf[3 * t + 1] = 0;
      tf[3 * t + 2] = 0;
    }
  }

  private kill(d: number): void {
    const id = this.docIds[d];
    if (id !== null && this.byId.get(id) === d) this.byId.delete(id);
    this.docIds[d] = null;
    this.docKeys[d] = '';
    this.dead[d] = 1;
    this.compaction?.killed.push(d);
    this.live--;
    this.deadCount++;
    // The dense views' live counts: a document they have taken in no longer counts.
    for (const v of this.views.values()) {
      if (3 * d + 2 >= v.tf.length) continue;
      if (v.tf[3 * d]) v.dfT--;
      if (v.tf[3 * d + 1]) v.dfO--;
      if (v.tf[3 * d + 2]) v.dfX--;
      if (d >>> 5 < v.bits.length) v.bits[d >>> 5] &= ~(1 << (d & 31));
    }
    for (let f = 0; f < 3; f++) this.lenSum[f] -= this.lens[3 * d + f];
  }

  private termNumber(term: string): number {
    const known = this.dict.get(term);
    if (known !== undefined) return known;
    const t = this.termStr.length;
    this.termStr.push(term);
    this.dict.set(term, t);
    this.recent.push(term);
    if (this.recent.length >= RECENT_TERMS) this.mergeRecent();
    const n = t + 1;
    this.tPage = growU16(this.tPage, n);
    this.tOff = growU32(this.tOff, n);
    this.tCap = growU32(this.tCap, n);
    this.tUsed = growU32(this.tUsed, n);
    this.tLast = growI32(this.tLast, n);
    this.tCount = growU32(this.tCount, n);
    this.tCap[t] = 0;
    this.tUsed[t] = 0;
    this.tLast[t] = -1;
    this.tCount[t] = 0;
    return t;
  }

  private mergeRecent(): void {
    if (this.recent.length === 0) return;
    const add = this.recent.sort();
    const old = this.sorted;
    const out: string[] = new Array(old.length + add.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < old.length && j < add.length) out[k++] = old[i] < add[j] ? old[i++] : add[j++];
    while (i < old.length) out[k++] = old[i++];
    while (j < add.length) out[k++] = add[j++];
    this.sorted = out;
    this.recent = [];
  }

  private append(t: number, d: number, tfTitle: number, tfOutlet: number, tfText: number): void {
    if (this.tUsed[t] + MAX_POSTING > this.tCap[t]) this.grow(t, this.tUsed[t] + MAX_POSTING);
    const p = this.pages[this.tPage[t]];
    let o = this.tOff[t] + this.tUsed[t];
    o = writeVarint(p, o, d - this.tLast[t]);
    o = writeVarint(p, o, tfText * 4 + (tfTitle ? 1 : 0) + (tfOutlet ? 2 : 0));
    if (tfTitle) o = writeVarint(p, o, tfTitle);
    if (tfOutlet) o = writeVarint(p, o, tfOutlet);
    this.tUsed[t] = o - this.tOff[t];
    this.tLast[t] = d;
    this.tCount[t]++;
    const c = this.compaction;
    if (c) {
      if (c.dirtyFlag.length <= t) c.dirtyFlag = growU8(c.dirtyFlag, t + 1);
      if (!c.dirtyFlag[t]) {
        c.dirtyFlag[t] = 1;
        c.dirty.push(t);
      }
    }
  }

  private grow(t: number, min: number): void {
    let cap = Math.max(MIN_BLOCK, this.tCap[t] * 2);
    while (cap < min) cap *= 2;
    const [page, off] = this.alloc(cap);
    const used = this.tUsed[t];
    if (used) this.pages[page].set(this.pages[this.tPage[t]].subarray(this.tOff[t], this.tOff[t] + used), off);
    if (this.tCap[t]) this.release(this.tPage[t], this.tOff[t], this.tCap[t]);
    this.tPage[t] = page;
    this.tOff[t] = off;
    this.tCap[t] = cap;
  }

  private alloc(cap: number): [number, number] {
    const cls = Math.log2(cap);
    const free = this.freeBlocks[cls];
    if (free && free.length) {
      const at = free.pop()!;
      this.wasted -= cap;
      return [Math.floor(at / PAGE), at % PAGE];
    }
    if (cap > PAGE / 4) {
      this.pages.push(new Uint8Array(cap));
      return [this.pages.length - 1, 0];
    }
    if (this.bumpPage < 0 || this.bumpUsed + cap > PAGE) {
      if (this.bumpPage >= 0) this.wasted += PAGE - this.bumpUsed;
      this.pages.push(new Uint8Array(PAGE));
      this.bumpPage = this.pages.length - 1;
      this.bumpUsed = 0;
    }
    const off = this.bumpUsed;
    this.bumpUsed += cap;
    return [this.bumpPage, off];
  }

  private release(page: number, off: number, cap: number): void {
    if (cap > PAGE / 4 && off === 0 && this.pages[page].byteLength === cap) {
      // A page of its own: given back whole.
      this.pages[page] = new Uint8Array(0);
      return;
    }
    this.wasted += cap;
    if ((cap & (cap - 1)) !== 0) return;
    (this.freeBlocks[Math.log2(cap)] ??= []).push(page * PAGE + off);
  }

  /**
   * Compacts when dead documents are over a third of the whole (half the live ones) or blocks left
   * behind hold over half the storage. The compaction runs in slices (see `compactionStep`), one per
   * turn of the event loop, while the index goes on answering and taking changes.
   */
  private maybeCompact(): void {
    if (this.compaction) return;
    const manyDead = this.deadCount >= 1000 && this.deadCount * 2 > this.live;
    const { bytes } = this.storage;
    const muchWaste = this.wasted > 16 * 2 ** 20 && this.wasted * 2 > bytes;
    if (manyDead || muchWaste) this.startCompaction(true);
  }

  /** Whether a compaction is under way (the index answers from the uncompacted copy until it is done). */
  get compacting(): boolean {
    return this.compaction !== null;
  }

  /**
   * Rewrites every posting list without the dead documents, renumbering the live ones in order, into
   * fresh pages: all the slices of a compaction at once (one under way is finished). Not while pinned.
   */
  compact(): void {
    if (!this.compaction) this.startCompaction(false);
    while (this.compaction) this.compactionStep(true);
  }

  /** Starts a compaction in the background, in slices (unless one is under way); resolves when it is done. */
  async compactInBackground(): Promise<void> {
    if (!this.compaction) this.startCompaction(true);
    while (this.compaction) await new Promise((resolve) => setImmediate(resolve));
  }

  private startCompaction(background: boolean): void {
    this.mergeRecent();
    const D0 = this.docIds.length;
    const T0 = this.termStr.length;
    const order = new Uint32Array(this.sorted.length);
    for (let i = 0; i < this.sorted.length; i++) order[i] = this.dict.get(this.sorted[i])!;
    const next = new SearchIndex();
    next.docIds = [];
    next.docKeys = [];
    next.lens = new Uint32Array(3 * Math.max(1024, this.live));
    this.compaction = {
      next,
      D0,
      N0: 0,
      remap: new Int32Array(D0),
      docAt: 0,
      byId: new Map(),
      order,
      termAt: 0,
      doneUsed: new Uint32Array(T0),
      doneLast: new Int32Array(T0),
      nextTerm: new Int32Array(T0).fill(-1),
      dirty: [],
      dirtyFlag: new Uint8Array(Math.max(1024, T0)),
      killed: [],
      touched: new Set(),
      buf: new Uint8Array(1 << 16),
      phase: 'docs',
      scheduled: false,
    };
    if (background) this.scheduleCompaction();
  }

  /** A compaction left with only the swap to do while a copy is being written waits for its end (`pin`). */
  private waitingForRelease(c: Compaction): boolean {
    return this.pinned > 0 && c.phase === 'catch-up' && c.dirty.length === 0;
  }

  private scheduleCompaction(): void {
    const c = this.compaction;
    if (!c || c.scheduled) return;
    c.scheduled = true;
    setImmediate(() => {
      c.scheduled = false;
      // A compaction dropped meanwhile (the index adopted another) does nothing.
      if (this.compaction !== c) return;
      this.compactionStep(false);
      if (this.compaction === c && !this.waitingForRelease(c)) this.scheduleCompaction();
    });
  }

  /**
   * One slice of a compaction: at most `sliceWork` bytes of postings (or `sliceWork / 128` documents)
   * are rewritten, and no more than 8 ms spent unless `force`. Phases: the documents (new numbers),
   * the terms in sorted order (each list copied whole as it is then), then the lists appended to
   * since they were copied (their new bytes only), and last, in a slice where nothing is left to
   * copy and no copy is being written (pinned), the swap (documents put or removed meanwhile
   * brought over by number). Between slices the index answers from the uncompacted copy.
   */
  private compactionStep(force: boolean): void {
    const c = this.compaction!;
    this.compactionSlices++;
    const budget = Math.max(1, this.sliceWork);
    const began = performance.now();
    const overTime = () => !force && performance.now() - began > 8;
    let work = 0;
    const next = c.next;
    if (c.phase === 'docs') {
      let stop = Math.min(c.D0, c.docAt + Math.max(1, Math.floor(budget / 128)));
      for (let d = c.docAt; d < stop; d++) {
        if ((d & 511) === 511 && overTime()) stop = d + 1;
        if (this.dead[d]) {
          c.remap[d] = -1;
          continue;
        }
        const n = next.docIds.length;
        c.remap[d] = n;
        next.docIds.push(this.docIds[d]);
        next.docKeys.push(this.docKeys[d]);
        next.lens = growU32(next.lens, 3 * n + 3);
        next.lens.set(this.lens.subarray(3 * d, 3 * d + 3), 3 * n);
        c.byId.set(this.docIds[d]!, n);
      }
      c.docAt = stop;
      if (stop < c.D0) return;
      c.N0 = next.docIds.length;
      c.phase = 'terms';
      return;
    }
    if (c.phase === 'terms') {
      while (c.termAt < c.order.length && work < budget) {
        const t0 = c.order[c.termAt++];
        work += this.copyList(c, t0, 0, -1) + 16;
        if (overTime()) break;
      }
      if (c.termAt < c.order.length) return;
      c.phase = 'catch-up';
      return;
    }
    {
      // Lists appended to since they were copied (a list may be appended to again meanwhile: dirty again).
      while (c.dirty.length && work < budget) {
        const t0 = c.dirty.pop()!;
        c.dirtyFlag[t0] = 0;
        const done = t0 < c.doneUsed.length && c.doneUsed[t0] > 0;
        work += this.copyList(c, t0, done ? c.doneUsed[t0] : 0, done ? c.doneLast[t0] : -1) + 16;
        if (overTime()) break;
      }
      if (c.dirty.length) return;
    }
    // The swap, in a slice where no list has bytes left to copy.
    if (this.pinned && !force) return;
    this.swapCompacted(c);
  }

  /**
   * Copies term `t0`'s postings from byte `from` (the document before it `d`) to the end into the
   * compacting copy, renumbered; returns the bytes read.
   */
  private copyList(c: Compaction, t0: number, from: number, d: number): number {
    const next = c.next;
    const p = this.pages[this.tPage[t0]];
    const used = this.tUsed[t0];
    const o = this.tOff[t0] + from;
    const end = this.tOff[t0] + used;
    const read = used - from;
    const nt0 = t0 < c.nextTerm.length ? c.nextTerm[t0] : -1;
    if (t0 < c.doneUsed.length) {
      c.doneUsed[t0] = used;
      c.doneLast[t0] = this.tLast[t0];
    } else {
      // A term made during the compaction: its progress kept in grown arrays.
      c.doneUsed = growU32(c.doneUsed, t0 + 1);
      c.doneLast = growI32(c.doneLast, t0 + 1);
      if (c.nextTerm.length <= t0) {
        const grown = new Int32Array(Math.max(t0 + 1, 2 * c.nextTerm.length)).fill(-1);
        grown.set(c.nextTerm);
        c.nextTerm = grown;
      }
      c.doneUsed[t0] = used;
      c.doneLast[t0] = this.tLast[t0];
    }
    if (nt0 < 0 && from === 0 && c.phase === 'terms') {
      // First copy of a list, in sorted order: written whole into a block of its own.
      if (c.buf.length < read) c.buf = new Uint8Array(2 * read);
      const buf = c.buf;
      let prev = -1;
      let w = 0;
      let count = 0;
      const r = this.reader;
      r.open(p, o, end - o, d);
      while (r.next()) {
        const nd = r.doc < c.D0 ? c.remap[r.doc] : c.N0 + r.doc - c.D0;
        if (nd < 0) continue;
        // Renumbered deltas are never longer than the old ones: the old length is enough room. The
        // code and frequencies are copied as they are.
        w = writeVarint(buf, w, nd - prev);
        for (let i = r.codeAt, stop = r.offset; i < stop; i++) buf[w++] = p[i];
        prev = nd;
        count++;
      }
      if (count === 0) return read;
      // Terms come in sorted order: the sorted list is built as they are numbered.
      const term = this.termStr[t0];
      const t = next.termStr.length;
      next.termStr.push(term);
      next.dict.set(term, t);
      next.sorted.push(term);
      next.growTerms(t + 1);
      let cap = MIN_BLOCK;
      while (cap < w) cap *= 2;
      const [page, off] = next.alloc(cap);
      next.pages[page].set(buf.subarray(0, w), off);
      next.tPage[t] = page;
      next.tOff[t] = off;
      next.tCap[t] = cap;
      next.tUsed[t] = w;
      next.tLast[t] = prev;
      next.tCount[t] = count;
      c.nextTerm[t0] = t;
      return read;
    }
    // Bytes appended since the list was copied (or a list the copy did not hold yet): appended one by one.
    const r = this.reader;
    r.open(p, o, end - o, d);
    while (r.next()) {
      const nd = r.doc < c.D0 ? c.remap[r.doc] : c.N0 + r.doc - c.D0;
      if (nd < 0) continue;
      let nt = c.nextTerm[t0];
      if (nt < 0) {
        nt = next.termNumber(this.termStr[t0]);
        c.nextTerm[t0] = nt;
      }
      next.append(nt, nd, r.tfTitle, r.tfOutlet, Math.floor(r.code / 4));
    }
    return read;
  }

  /** Makes the compacted copy this index: documents added or removed since it was begun brought over first. */
  private swapCompacted(c: Compaction): void {
    const next = c.next;
    // Documents indexed during the compaction keep their order, after the ones before it.
    const D = this.docIds.length;
    const n = c.N0 + (D - c.D0);
    next.lens = growU32(next.lens, 3 * Math.max(1, n));
    next.dead = new Uint8Array(Math.max(1024, n));
    let deadCount = 0;
    for (let d = c.D0; d < D; d++) {
      const nd = c.N0 + d - c.D0;
      next.docIds.push(this.docIds[d]);
      next.docKeys.push(this.docKeys[d]);
      next.lens.set(this.lens.subarray(3 * d, 3 * d + 3), 3 * nd);
      if (this.dead[d]) {
        next.dead[nd] = 1;
        deadCount++;
      }
    }
    // Documents removed (or re-indexed) during the compaction after their number was given.
    for (const d of c.killed) {
      if (d >= c.D0 || c.remap[d] < 0) continue;
      const nd = c.remap[d];
      if (next.dead[nd]) continue;
      next.docIds[nd] = null;
      next.docKeys[nd] = '';
      next.dead[nd] = 1;
      deadCount++;
    }
    for (const id of c.touched) {
      const d = this.byId.get(id);
      if (d === undefined) c.byId.delete(id);
      else c.byId.set(id, d < c.D0 ? c.remap[d] : c.N0 + d - c.D0);
    }
    next.byId = c.byId;
    next.lenSum = this.lenSum.slice();
    next.live = this.live;
    next.deadCount = deadCount;
    const keep = { added: this.added, changes: this.changes, pinned: this.pinned, onChange: this.onChange, touchedSince: this.touchedSince, sliceWork: this.sliceWork, compactionSlices: this.compactionSlices, denseFrom: this.denseFrom, denseBudget: this.denseBudget, boundedSearches: this.boundedSearches, boundedScored: this.boundedScored };
    Object.assign(this, next, keep);
    this.compaction = null;
  }

  /** Room for `n` terms in the per-term arrays. */
  private growTerms(n: number): void {
    this.tPage = growU16(this.tPage, n);
    this.tOff = growU32(this.tOff, n);
    this.tCap = growU32(this.tCap, n);
    this.tUsed = growU32(this.tUsed, n);
    this.tLast = growI32(this.tLast, n);
    this.tCount = growU32(this.tCount, n);
  }

  /** Every matching id, best first (ties by id, so pages are stable). */
  search(q: string): IndexHit[] {
    return this.searchPage(q, { offset: 0, limit: Number.MAX_SAFE_INTEGER }).hits;
  }

  /**
   * One page of the matches, best first (ties by id): only the best `offset + limit` are kept
   * while scoring (a heap), not every match sorted. `accept` leaves out ids (not counted in `total`).
   */
  searchPage(q: string, options: { offset: number; limit: number; accept?: (id: string) => boolean }): { total: number; hits: IndexHit[] } {
    // At most 250 words (a stage counter per document is one byte).
    const words = queryWords(q).slice(0, 250);
    if (words.length === 0) return { total: 0, hits: [] };
    const quality = new Set(words).size;
    const specs: Array<{ terms: number[]; weights: number[]; cost: number }> = [];
    for (const w of words) {
      const terms: number[] = [];
      const weights: number[] = [];
      let cost = 0;
      const exact = this.dict.get(w);
      if (exact !== undefined) {
        terms.push(exact);
        weights.push(1);
        cost += this.tCount[exact];
      }
      if (w.length >= PREFIX_FROM) {
        for (const term of this.withPrefix(w)) {
          if (term === w) continue;
          const t = this.dict.get(term)!;
          terms.push(t);
          weights.push((PREFIX_WEIGHT * term.length) / (term.length + 0.3 * (term.length - w.length)));
          cost += this.tCount[t];
        }
      }
      if (terms.length === 0) return { total: 0, hits: [] };
      specs.push({ terms, weights, cost });
    }
    // The rarest word first: it gives the fewest candidates for the others to confirm.
    specs.sort((a, b) => a.cost - b.cost);
    const nDocs = this.docIds.length;
    if (!options.accept && this.boundable(specs, nDocs)) return this.searchBounded(specs, quality, options);
    if (this.scores.length < nDocs) {
      this.scores = growF64(this.scores, nDocs);
      this.stage = growU8(this.stage, nDocs);
    }
    if (this.sTouched.length < nDocs) this.sTouched = new Int32Array(this.scores.length);
    const scores = this.scores;
    const stage = this.stage;
    const touched = this.sTouched;
    const dead = this.dead;
    let nTouched = 0;
    const N = this.live;
    // Matching: each list decoded once, its live frequencies per field counted (for the idf) and the
    // postings of the documents still in the running kept aside; a document's stage is the number
    // of query words it matched so far. Nothing is scored yet.
    const entries: Array<{ weight: number; from: number; to: number; idfT: number; idfO: number; idfX: number }> = [];
    let kept = 0;
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i];
      for (let e = 0; e < spec.terms.length; e++) {
        const t = spec.terms[e];
        const count = this.tCount[t];
        // A long list held by many documents, asked about a few candidates: looked up in its dense view
        // (frequencies by document number, live counts kept) instead of decoded whole; only while four
        // views fit in the budget (else they would be made and dropped again query after query).
        const viewed = i > 0 && count >= this.denseFrom && count * 16 >= nDocs && nTouched * 4 < count && 4 * VIEW_BYTES_PER_DOCUMENT * Math.max(1024, nDocs) <= this.denseBudget;
        const need = kept + (viewed ? nTouched : count);
        if (this.sDoc.length < need) {
          const doc = new Int32Array(Math.max(need, this.sDoc.length * 2));
          doc.set(this.sDoc.subarray(0, kept));
          const tf = new Uint32Array(3 * doc.length);
          tf.set(this.sTf.subarray(0, 3 * kept));
          this.sDoc = doc;
          this.sTf = tf;
        }
        const sDoc = this.sDoc;
        const sTf = this.sTf;
        const from = kept;
        if (viewed) {
          const v = this.dense(t);
          const vt = v.tf;
          const top = vt.length / 3;
          for (let k = 0; k < nTouched; k++) {
            const d = touched[k];
            const s = stage[d];
            if ((s !== i && s !== i + 1) || d >= top || dead[d]) continue;
            const tfT = vt[3 * d];
            const tfO = vt[3 * d + 1];
            const tfX = vt[3 * d + 2];
            if (tfT === 0 && tfO === 0 && tfX === 0) continue;
            if (s === i) stage[d] = i + 1;
            sDoc[kept] = d;
            sTf[3 * kept] = tfT;
            sTf[3 * kept + 1] = tfO;
            sTf[3 * kept + 2] = tfX;
            kept++;
          }
          entries.push({ weight: spec.weights[e], from, to: kept, idfT: idf(N, v.dfT), idfO: idf(N, v.dfO), idfX: idf(N, v.dfX) });
          continue;
        }
        let dfT = 0;
        let dfO = 0;
        let dfX = 0;
        // The list decoded here, not through PostingReader: this loop is the search's cost, and the
        // reader's per-posting field writes made it about 1.4x slower (0.55-0.65 ms against 0.40-0.44 ms
        // for 100,000 postings, bench notes in the README).
        const p = this.pages[this.tPage[t]];
        let o = this.tOff[t];
        const end = o + this.tUsed[t];
        let d = -1;
        while (o < end) {
          let byte = p[o++];
          let v = byte & 127;
          for (let shift = 128; byte & 128; shift *= 128) {
            byte = p[o++];
            v += (byte & 127) * shift;
          }
          d += v;
          byte = p[o++];
          let code = byte & 127;
          for (let shift = 128; byte & 128; shift *= 128) {
            byte = p[o++];
            code += (byte & 127) * shift;
          }
          let tfT = 0;
          let tfO = 0;
          if (code & 1) {
            byte = p[o++];
            tfT = byte & 127;
            for (let shift = 128; byte & 128; shift *= 128) {
              byte = p[o++];
              tfT += (byte & 127) * shift;
            }
          }
          if (code & 2) {
            byte = p[o++];
            tfO = byte & 127;
            for (let shift = 128; byte & 128; shift *= 128) {
              byte = p[o++];
              tfO += (byte & 127) * shift;
            }
          }
          if (dead[d]) continue;
          const tfX = Math.floor(code / 4);
          if (tfT) dfT++;
          if (tfO) dfO++;
          if (tfX) dfX++;
          const s = stage[d];
          if (s === i) {
            stage[d] = i + 1;
            if (i === 0) touched[nTouched++] = d;
          } else if (s !== i + 1) continue;
          sDoc[kept] = d;
          sTf[3 * kept] = tfT;
          sTf[3 * kept + 1] = tfO;
          sTf[3 * kept + 2] = tfX;
          kept++;
        }
        entries.push({
          weight: spec.weights[e],
          from,
          to: kept,
          idfT: idf(N, dfT),
          idfO: idf(N, dfO),
          idfX: idf(N, dfX),
        });
      }
    }
    const n = specs.length;
    // Counting: the documents that matched every word (and that `accept` takes).
    let total = 0;
    for (let k = 0; k < nTouched; k++) {
      const d = touched[k];
      if (stage[d] === n && (!options.accept || options.accept(this.docIds[d]!))) {
        total++;
        scores[d] = 0;
      } else stage[d] = 0;
    }
    // Scoring: only the matches counted, each list's part added in the order of the words and their
    // terms (so every score is the same sum, to the last bit, whatever the page).
    const avgT = N > 0 ? this.lenSum[0] / N : 0;
    const avgO = N > 0 ? this.lenSum[1] / N : 0;
    const avgX = N > 0 ? this.lenSum[2] / N : 0;
    const lens = this.lens;
    const sDoc = this.sDoc;
    const sTf = this.sTf;
    for (const entry of entries) {
      const { weight, idfT, idfO, idfX } = entry;
      for (let k = entry.from; k < entry.to; k++) {
        const doc = sDoc[k];
        if (stage[doc] !== n) continue;
        let score = 0;
        const tfT = sTf[3 * k];
        const tfO = sTf[3 * k + 1];
        const tfX = sTf[3 * k + 2];
        if (tfT) score += BOOSTS[0] * idfT * (DELTA + (tfT * (K1 + 1)) / (tfT + K1 * (1 - B + (B * lens[3 * doc]) / avgT)));
        if (tfO) score += BOOSTS[1] * idfO * (DELTA + (tfO * (K1 + 1)) / (tfO + K1 * (1 - B + (B * lens[3 * doc + 1]) / avgO)));
        if (tfX) score += BOOSTS[2] * idfX * (DELTA + (tfX * (K1 + 1)) / (tfX + K1 * (1 - B + (B * lens[3 * doc + 2]) / avgX)));
        scores[doc] += weight * score;
      }
    }
    const heap = new TopK(Math.min(options.offset + options.limit, total), this.docIds);
    for (let k = 0; k < nTouched; k++) {
      const d = touched[k];
      if (stage[d] === n) heap.offer(d, scores[d] * quality);
      stage[d] = 0;
    }
    const hits = heap.sorted().slice(options.offset).map(([d, score]) => ({ id: this.docIds[d]!, score }));
    return { total, hits };
  }

  /**
   * Whether every term of the query has a long list (a dense view's: see searchPage) and their
   * views fit in the budget together: then `searchBounded` answers.
   */
  private boundable(specs: Array<{ terms: number[] }>, nDocs: number): boolean {
    if (4 * VIEW_BYTES_PER_DOCUMENT * Math.max(1024, nDocs) > this.denseBudget) return false;
    const terms = new Set<number>();
    for (const spec of specs) {
      for (const t of spec.terms) {
        const count = this.tCount[t];
        if (count < this.denseFrom || count * 16 < nDocs) return false;
        terms.add(t);
      }
    }
    return terms.size <= 4;
  }

  /**
   * The page of a query whose every term has a dense view, without scoring every match (the same
   * total, hits and scores, to the bit, as the posting lists decoded; see searchPage):
   * - the total: the views' bits of each word's terms OR-ed, the words AND-ed, the bits counted;
   * - the page: a term's part of a score is bounded from above by its best frequency and shortest
   *   field (BM25 grows with the one and shrinks with the other), and for a document that holds the
   *   term in its text only, by the text's part alone. The matches holding a term in their title or
   *   outlet are scored first, term by term (the terms held mostly in texts first); once the `offset + limit`th
   *   best score is above what any document left could reach (each one has, for the terms whose
   *   title/outlet lists were gone through, at most their text part), the others are not scored.
   *   Otherwise the rest of the matches are scored, all of them.
   * Scores are the same sums as searchPage's: each term's part added in the order of the words and
   * their terms, then multiplied by the number of distinct query words.
   */
  private searchBounded(
    specs: Array<{ terms: number[]; weights: number[] }>,
    quality: number,
    options: { offset: number; limit: number },
  ): { total: number; hits: IndexHit[] } {
    this.boundedSearches++;
    const nDocs = this.docIds.length;
    const words = (nDocs + 31) >>> 5;
    if (this.sMatch.length < words) {
      this.sMatch = new Uint32Array(words);
      this.sWord = new Uint32Array(words);
      this.sDone = new Uint32Array(words);
    }
    const match = this.sMatch;
    const word = this.sWord;
    const done = this.sDone;
    // Views of every term first (making one may drop another from the budget: the arrays taken here stay valid for this search).
    const parts: Array<{ weight: number; view: DenseView; tf: Uint32Array; idfT: number; idfO: number; idfX: number; high: number; low: number }> = [];
    const N = this.live;
    const avgT = N > 0 ? this.lenSum[0] / N : 0;
    const avgO = N > 0 ? this.lenSum[1] / N : 0;
    const avgX = N > 0 ? this.lenSum[2] / N : 0;
    const avg = [avgT, avgO, avgX];
    for (const spec of specs) {
      for (let e = 0; e < spec.terms.length; e++) {
        const view = this.dense(spec.terms[e]);
        const idfs = [idf(N, view.dfT), idf(N, view.dfO), idf(N, view.dfX)];
        // The most a field's part can be: BOOST x idf x (DELTA + the tf part at the highest tf and shortest field).
        const most = (f: number) => {
          const tf = view.maxTf[f];
          if (tf === 0 || avg[f] === 0) return 0;
          return BOOSTS[f] * idfs[f] * (DELTA + (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * view.minLen[f]) / avg[f])));
        };
        const low = most(2);
        parts.push({ weight: spec.weights[e], view, tf: view.tf, idfT: idfs[0], idfO: idfs[1], idfX: idfs[2], high: most(0) + most(1) + low, low });
      }
    }
    // Counting: documents holding a term of every word.
    let p = 0;
    for (const spec of specs) {
      const n = spec.terms.length;
      const first = parts[p].view.bits;
      let into: Uint32Array;
      if (n === 1) into = first;
      else {
        into = word;
        into.fill(0, 0, words);
        for (let e = 0; e < n; e++) {
          const bits = parts[p + e].view.bits;
          const top = Math.min(words, bits.length);
          for (let w = 0; w < top; w++) into[w] |= bits[w];
        }
      }
      if (p === 0) {
        const top = Math.min(words, into.length);
        match.set(into.subarray(0, top));
        match.fill(0, top, words);
      } else {
        const top = Math.min(words, into.length);
        for (let w = 0; w < top; w++) match[w] &= into[w];
        match.fill(0, top, words);
      }
      p += n;
    }
    let total = 0;
    for (let w = 0; w < words; w++) total += popcount(match[w]);
    const k = Math.min(options.offset + options.limit, total);
    const heap = new TopK(k, this.docIds);
    const lens = this.lens;
    // The parts in flat arrays for `scoreOf`.
    const tfs = parts.map((part) => part.tf);
    const weights = Float64Array.from(parts, (part) => part.weight);
    const idfs = new Float64Array(3 * parts.length);
    parts.forEach((part, i) => idfs.set([part.idfT, part.idfO, part.idfX], 3 * i));
    const avgs = Float64Array.of(avgT, avgO, avgX);
    const score = (doc: number) => {
      this.boundedScored++;
      return scoreOf(doc, tfs, weights, idfs, lens, avgs) * quality;
    };
    done.fill(0, 0, words);
    // What a document not scored yet can reach (x quality, with room for rounding): every term at its most, then, for each
    // term whose title/outlet documents were all scored, at its text's most.
    const gone = new Uint8Array(parts.length);
    const out = () => {
      if (!heap.full) return false;
      let rest = 0;
      for (let i = 0; i < parts.length; i++) rest += parts[i].weight * (gone[i] ? parts[i].low : parts[i].high);
      return rest * quality * (1 + 1e-9) < heap.worst;
    };
    // Terms whose title/outlet documents are the smallest share of their documents first: the fewest
    // to score for the most documents bounded by the text part alone afterwards.
    const share = (i: number) => parts[i].view.nHigh / Math.max(1, parts[i].view.dfT + parts[i].view.dfO + parts[i].view.dfX);
    const order = parts.map((_, i) => i).filter((i) => parts[i].high > parts[i].low).sort((a, b) => share(a) - share(b));
    let finished = k === 0;
    for (const i of order) {
      if (finished || out()) {
        finished = true;
        break;
      }
      const { high, nHigh } = parts[i].view;
      for (let j = 0; j < nHigh; j++) {
        const d = high[j];
        const bit = 1 << (d & 31);
        if ((match[d >>> 5] & bit) === 0 || (done[d >>> 5] & bit) !== 0) continue;
        done[d >>> 5] |= bit;
        heap.offer(d, score(d));
      }
      gone[i] = 1;
    }
    if (!finished && !out()) {
      // The matches left: every one scored.
      for (let w = 0; w < words; w++) {
        let x = match[w] & ~done[w];
        while (x !== 0) {
          const low = x & -x;
          const d = (w << 5) | (31 - Math.clz32(low));
          heap.offer(d, score(d));
          x ^= low;
        }
      }
    }
    const hits = heap.sorted().slice(options.offset).map(([d, s]) => ({ id: this.docIds[d]!, score: s }));
    return { total, hits };
  }

  /**
   * Term `t`'s dense view, made or brought up to date: its frequencies per field by document number
   * (0, 0, 0 where the term is not) and how many live documents have it in each field. Postings
   * appended since are taken in here (documents dead by then not counted); `kill` takes a dead
   * document out of every view's counts. Views hold `denseBudget` bytes at most (the least recently
   * used dropped first, one always kept); a compaction or an adopted index starts without any.
   */
  private dense(t: number): DenseView {
    let v = this.views.get(t);
    if (v) this.views.delete(t);
    else {
      const tf = new Uint32Array(3 * Math.max(1024, this.tLast[t] + 1));
      v = { tf, used: 0, last: -1, dfT: 0, dfO: 0, dfX: 0, bits: new Uint32Array(Math.ceil(tf.length / 96)), high: new Int32Array(64), nHigh: 0, maxTf: [0, 0, 0], minLen: [Infinity, Infinity, Infinity] };
      this.viewBytes += viewSize(v);
    }
    this.views.set(t, v);
    if (v.used < this.tUsed[t]) {
      const sizeBefore = viewSize(v);
      if (3 * (this.tLast[t] + 1) > v.tf.length) {
        const tf = new Uint32Array(Math.max(3 * (this.tLast[t] + 1), 2 * v.tf.length));
        tf.set(v.tf);
        v.tf = tf;
        const bits = new Uint32Array(Math.ceil(tf.length / 96));
        bits.set(v.bits);
        v.bits = bits;
      }
      const tf = v.tf;
      const bits = v.bits;
      const lens = this.lens;
      const dead = this.dead;
      const r = this.reader;
      r.open(this.pages[this.tPage[t]], this.tOff[t] + v.used, this.tUsed[t] - v.used, v.last);
      while (r.next()) {
        const d = r.doc;
        const tfX = Math.floor(r.code / 4);
        tf[3 * d] = r.tfTitle;
        tf[3 * d + 1] = r.tfOutlet;
        tf[3 * d + 2] = tfX;
        if (dead[d]) continue;
        if (r.tfTitle) v.dfT++;
        if (r.tfOutlet) v.dfO++;
        if (tfX) v.dfX++;
        bits[d >>> 5] |= 1 << (d & 31);
        if (r.tfTitle || r.tfOutlet) {
          if (v.nHigh === v.high.length) v.high = growI32(v.high, 2 * v.nHigh);
          v.high[v.nHigh++] = d;
        }
        for (let f = 0; f < 3; f++) {
          const n = f === 0 ? r.tfTitle : f === 1 ? r.tfOutlet : tfX;
          if (n === 0) continue;
          if (n > v.maxTf[f]) v.maxTf[f] = n;
          if (lens[3 * d + f] < v.minLen[f]) v.minLen[f] = lens[3 * d + f];
        }
      }
      v.used = this.tUsed[t];
      v.last = this.tLast[t];
      this.viewBytes += viewSize(v) - sizeBefore;
    }
    for (const [u, old] of this.views) {
      if (this.viewBytes <= this.denseBudget || u === t) break;
      this.views.delete(u);
      this.viewBytes -= viewSize(old);
    }
    return v;
  }

  /** Known words starting with `prefix`, in no particular order. */
  private withPrefix(prefix: string): string[] {
    const out: string[] = [];
    const s = this.sorted;
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < s.length && s[i].startsWith(prefix); i++) out.push(s[i]);
    for (const r of this.recent) if (r.startsWith(prefix)) out.push(r);
    return out;
  }

  // ---- Persistence (the file format is in search-index-file.ts) ------------------------------

  /**
   * Holds compaction off until `release` is called (a copy being written reads the postings as they
   * were when it started: appends and deaths after that do not move or change those bytes).
   */
  pin(): () => void {
    this.pinned++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.pinned--;
      if (this.compaction) this.scheduleCompaction();
      else this.maybeCompact();
    };
  }

  /** What a stored copy needs, as of now (arrays copied, per term in sorted order; postings read later through `postingsOf`). */
  snapshot(): { ids: Array<string | null>; keys: string[]; lens: Uint32Array; terms: string[]; t: Uint32Array; count: Uint32Array; last: Int32Array; used: Uint32Array } {
    this.mergeRecent();
    const n = this.docIds.length;
    const terms = this.sorted.slice();
    const T = terms.length;
    const t = new Uint32Array(T);
    const count = new Uint32Array(T);
    const last = new Int32Array(T);
    const used = new Uint32Array(T);
    for (let i = 0; i < T; i++) {
      const k = this.dict.get(terms[i])!;
      t[i] = k;
      count[i] = this.tCount[k];
      last[i] = this.tLast[k];
      used[i] = this.tUsed[k];
    }
    return { ids: this.docIds.slice(), keys: this.docKeys.slice(), lens: this.lens.slice(0, 3 * n), terms, t, count, last, used };
  }

  /** The first `used` bytes of term number `t`'s postings (valid while pinned). */
  postingsOf(t: number, used: number): Uint8Array {
    return this.pages[this.tPage[t]].subarray(this.tOff[t], this.tOff[t] + used);
  }

  /** An index over stored parts (terms sorted, postings in one page). */
  static async fromParts(parts: IndexParts, pause: () => Promise<void> = async () => undefined): Promise<SearchIndex> {
    const index = new SearchIndex();
    const n = parts.ids.length;
    index.docIds = parts.ids;
    index.docKeys = parts.keys;
    index.lens = growU32(parts.lens, 3 * Math.max(1, n));
    index.dead = new Uint8Array(Math.max(1024, n));
    let since = performance.now();
    for (let d = 0; d < n; d++) {
      if ((d & 1023) === 0 && performance.now() - since > 8) {
        await pause();
        since = performance.now();
      }
      const id = parts.ids[d];
      if (id === null) {
        index.dead[d] = 1;
        index.deadCount++;
        continue;
      }
      index.byId.set(id, d);
      index.live++;
      for (let f = 0; f < 3; f++) index.lenSum[f] += index.lens[3 * d + f];
    }
    const T = parts.terms.length;
    index.termStr = parts.terms;
    index.sorted = parts.terms.slice();
    for (let t = 0; t < T; t++) {
      if ((t & 1023) === 0 && performance.now() - since > 8) {
        await pause();
        since = performance.now();
      }
      index.dict.set(parts.terms[t], t);
    }
    index.tPage = new Uint16Array(Math.max(1024, T));
    index.tOff = growU32(new Uint32Array(0), Math.max(1024, T));
    index.tCap = growU32(new Uint32Array(0), Math.max(1024, T));
    // Each list copied into a block of the next power of two, so that appends go on in place and a
    // block outgrown is recycled (the file's bytes are not kept).
    for (let t = 0; t < T; t++) {
      // A turn for other work every few milliseconds (lists can be long: the clock is read every 64).
      if ((t & 63) === 0 && performance.now() - since > 8) {
        await pause();
        since = performance.now();
      }
      let cap = MIN_BLOCK;
      while (cap < parts.used[t]) cap *= 2;
      const [page, off] = index.alloc(cap);
      index.pages[page].set(parts.page.subarray(parts.off[t], parts.off[t] + parts.used[t]), off);
      index.tPage[t] = page;
      index.tOff[t] = off;
      index.tCap[t] = cap;
    }
    index.tUsed = growU32(new Uint32Array(0), Math.max(1024, T));
    index.tUsed.set(parts.used);
    index.tLast = growI32(new Int32Array(0), Math.max(1024, T));
    index.tLast.set(parts.last);
    index.tCount = growU32(new Uint32Array(0), Math.max(1024, T));
    index.tCount.set(parts.count);
    return index;
  }

  /** Takes over the whole state of `other` (which must not be used afterwards). */
  adopt(other: SearchIndex): void {
    const { added, onChange, touchedSince, denseFrom, denseBudget, boundedSearches, boundedScored } = this;
    Object.assign(this, other);
    Object.assign(this, { added, onChange, touchedSince, denseFrom, denseBudget, boundedSearches, boundedScored });
    this.changes++;
  }
}

/**
 * Document `doc`'s score before the quality factor: for each part (a term of a query word), its
 * weight times the BM25+ sum over the fields the term is in, added in the order of the parts
 * (searchPage adds them in the same order, so the sums are the same to the bit).
 */
function scoreOf(doc: number, tfs: Uint32Array[], weights: Float64Array, idfs: Float64Array, lens: Uint32Array, avgs: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < tfs.length; i++) {
    const tf = tfs[i];
    if (3 * doc + 2 >= tf.length) continue;
    const tfT = tf[3 * doc];
    const tfO = tf[3 * doc + 1];
    const tfX = tf[3 * doc + 2];
    if (tfT === 0 && tfO === 0 && tfX === 0) continue;
    let s = 0;
    if (tfT) s += BOOSTS[0] * idfs[3 * i] * (DELTA + (tfT * (K1 + 1)) / (tfT + K1 * (1 - B + (B * lens[3 * doc]) / avgs[0])));
    if (tfO) s += BOOSTS[1] * idfs[3 * i + 1] * (DELTA + (tfO * (K1 + 1)) / (tfO + K1 * (1 - B + (B * lens[3 * doc + 1]) / avgs[1])));
    if (tfX) s += BOOSTS[2] * idfs[3 * i + 2] * (DELTA + (tfX * (K1 + 1)) / (tfX + K1 * (1 - B + (B * lens[3 * doc + 2]) / avgs[2])));
    sum += weights[i] * s;
  }
  return sum;
}

/**
 * Bytes a dense view takes per document, counted when deciding whether four views fit the budget:
 * 12 of frequencies and 1/8 of bits, rounded up. Its list of documents holding the term in a title
 * or outlet (4 bytes each) is usually a small share; the budget itself counts every byte (viewSize),
 * so when those lists are long fewer views are kept at once.
 */
export const VIEW_BYTES_PER_DOCUMENT = 13;

/** Bytes a dense view holds: frequencies, bits and its title/outlet list (with its room). */
function viewSize(v: DenseView): number {
  return v.tf.byteLength + v.bits.byteLength + v.high.byteLength;
}

/** Set bits of a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** BM25's idf of a word in `df` of `N` documents. */
function idf(N: number, df: number): number {
  return Math.log(1 + (N - df + 0.5) / (df + 0.5));
}

/** A posting list held decoded (see SearchIndex.dense). */
interface DenseView {
  /** Title, outlet and text frequency per document number. */
  tf: Uint32Array;
  /** The live documents holding the term, one bit each (bit d % 32 of word d / 32); a removal clears its bit. */
  bits: Uint32Array;
  /** Documents holding the term in their title or outlet, ascending (some may be dead since): the first `nHigh`. */
  high: Int32Array;
  nHigh: number;
  /** Per field (title, outlet, text): the highest frequency and the shortest field length among the postings taken in (bounds of a score part). */
  maxTf: number[];
  minLen: number[];
  /** Bytes of the list taken in, and the document number of the last posting among them. */
  used: number;
  last: number;
  /** Live documents with the term in their title, outlet and text. */
  dfT: number;
  dfO: number;
  dfX: number;
}

/** A compaction under way: the compacted copy being built, and what happened since it was begun. */
interface Compaction {
  next: SearchIndex;
  phase: 'docs' | 'terms' | 'catch-up';
  scheduled: boolean;
  /** Document numbers when it began, and live documents among them (known after the documents phase). */
  D0: number;
  N0: number;
  /** Old number (< D0) to new, -1 for a dead document; numbers from D0 on become N0 + (d - D0). */
  remap: Int32Array;
  docAt: number;
  byId: Map<string, number>;
  /** Term numbers in sorted order when it began, and how far the copy is. */
  order: Uint32Array;
  termAt: number;
  /** Per old term: bytes of its list copied so far, the last document then, its number in the copy (-1: none yet). */
  doneUsed: Uint32Array;
  doneLast: Int32Array;
  nextTerm: Int32Array;
  /** Terms appended to since the compaction began (each once until copied again). */
  dirty: number[];
  dirtyFlag: Uint8Array;
  /** Documents removed or re-indexed since it began (old numbers), and the ids put or removed. */
  killed: number[];
  touched: Set<string>;
  buf: Uint8Array;
}

/**
 * Reads one posting list (the format is described at SearchIndex): each `next()` moves to the next
 * posting and sets `doc` (the document number), `code` (text frequency x 4 + 1 when in the title + 2
 * when in the outlet), `tfTitle` and `tfOutlet`; `codeAt` is where the posting's code begins.
 * The decoder of the lists for the compaction; the search decodes in its own loop (see searchPage).
 * One reader is reused, so no allocation per list.
 */
class PostingReader {
  private p: Uint8Array = new Uint8Array(0);
  private o = 0;
  private end = 0;
  doc = -1;
  code = 0;
  tfTitle = 0;
  tfOutlet = 0;
  codeAt = 0;

  /** Reads `p` from byte `from` for `used` bytes; `doc` is the document number before the first posting read. */
  open(p: Uint8Array, from: number, used: number, doc: number): void {
    this.p = p;
    this.o = from;
    this.end = from + used;
    this.doc = doc;
  }

  /** Where the next posting begins. */
  get offset(): number {
    return this.o;
  }

  next(): boolean {
    const p = this.p;
    let o = this.o;
    if (o >= this.end) return false;
    let byte = p[o++];
    let v = byte & 127;
    for (let shift = 128; byte & 128; shift *= 128) {
      byte = p[o++];
      v += (byte & 127) * shift;
    }
    this.doc += v;
    this.codeAt = o;
    byte = p[o++];
    let code = byte & 127;
    for (let shift = 128; byte & 128; shift *= 128) {
      byte = p[o++];
      code += (byte & 127) * shift;
    }
    this.code = code;
    let tf = 0;
    if (code & 1) {
      byte = p[o++];
      tf = byte & 127;
      for (let shift = 128; byte & 128; shift *= 128) {
        byte = p[o++];
        tf += (byte & 127) * shift;
      }
    }
    this.tfTitle = tf;
    tf = 0;
    if (code & 2) {
      byte = p[o++];
      tf = byte & 127;
      for (let shift = 128; byte & 128; shift *= 128) {
        byte = p[o++];
        tf += (byte & 127) * shift;
      }
    }
    this.tfOutlet = tf;
    this.o = o;
    return true;
  }
}

function writeVarint(p: Uint8Array, o: number, v: number): number {
  while (v >= 128) {
    p[o++] = (v & 127) | 128;
    v = Math.floor(v / 128);
  }
  p[o++] = v;
  return o;
}

/**
 * The best `k` (document, score) pairs: higher score first, then smaller id. A heap whose root is the
 * worst kept, in typed arrays (plain arrays that start empty and then take doubles change their
 * elements kind, which made the search's optimised code bail out at every query).
 */
class TopK {
  private readonly docs: Int32Array;
  private readonly scores: Float64Array;
  private n = 0;
  constructor(
    private readonly k: number,
    private readonly ids: Array<string | null>,
  ) {
    this.docs = new Int32Array(Math.max(0, k));
    this.scores = new Float64Array(Math.max(0, k));
  }

  /** Whether `k` pairs are kept (a pair that is not better than `worst` is then turned away). */
  get full(): boolean {
    return this.n >= this.k;
  }

  /** The score of the worst pair kept. */
  get worst(): number {
    return this.scores[0];
  }

  /** Whether a is worse than b. */
  private worse(da: number, sa: number, db: number, sb: number): boolean {
    if (sa !== sb) return sa < sb;
    return this.ids[da]! > this.ids[db]!;
  }

  offer(d: number, s: number): void {
    if (this.k <= 0) return;
    const docs = this.docs;
    const scores = this.scores;
    if (this.n < this.k) {
      let i = this.n++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(d, s, docs[parent], scores[parent])) break;
        docs[i] = docs[parent];
        scores[i] = scores[parent];
        i = parent;
      }
      docs[i] = d;
      scores[i] = s;
      return;
    }
    if (!this.worse(docs[0], scores[0], d, s)) return;
    const n = this.n;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = -1;
      let md = d;
      let ms = s;
      if (l < n && this.worse(docs[l], scores[l], md, ms)) {
        m = l;
        md = docs[l];
        ms = scores[l];
      }
      if (r < n && this.worse(docs[r], scores[r], md, ms)) m = r;
      if (m < 0) break;
      docs[i] = docs[m];
      scores[i] = scores[m];
      i = m;
    }
    docs[i] = d;
    scores[i] = s;
  }

  sorted(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.n; i++) out.push([this.docs[i], this.scores[i]]);
    return out.sort((a, b) => (this.worse(a[0], a[1], b[0], b[1]) ? 1 : this.worse(b[0], b[1], a[0], a[1]) ? -1 : 0));
  }
}

/**
 * About `width` characters of `text` around the first occurrence of one of `terms` (lower-cased
 * words), cut at spaces, with `…` where text was left out; the start of the text when none occurs.
 * Characters here are UTF-16 code units.
 */
export function snippetOf(text: string, terms: string[], width = 160): string {
  const lower = text.toLowerCase();
  let at = -1;
  for (const t of terms) {
    const i = lower.indexOf(t);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  let start = Math.max(0, at < 0 ? 0 : at - Math.floor(width / 3));
  let end = Math.min(text.length, start + width);
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space >= 0 && space < (at < 0 ? end : at)) start = space + 1;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  const body = text.slice(start, end).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
}
