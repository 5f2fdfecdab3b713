import type { CorpusDocument, PassageKind, PassageMatch, StatementCluster } from './types.js';
import { documentContribution, PASSAGE_KINDS, type DocumentContribution } from './contribution.js';
import { MIN_CONTENT_WORDS, wordRange } from './passages.js';
import { tokenize, tokenizeRange } from './tokens.js';
import { WordIds } from './word-ids.js';
import { DEFAULT_INDEX_OPTIONS, type IndexOptions } from './shingle-index.js';
import { matchPassages, mayMatch, MAX_ALIGN_CELLS } from './match.js';
import { groupMatchSides, SAME_RENDERING_OVERLAP, type MatchSide } from './group-regions.js';
import { buildCluster, labelsInOrder, layoutOf, type DocumentLayout } from './build-cluster.js';
import { isStatementCluster } from './statement-filter.js';
import { fnv1a32 } from './hash.js';
import { numberShard, ShardedMap } from './sharded-map.js';
import { PostingStore } from './posting-store.js';
import { ShardedFlatTable } from './flat-table.js';

/**
 * The statements of a corpus kept up to date document by document.
 *
 * Each document contributes its passages (labelled spans, quotations, sentences) and their shingles.
 * A change to documents (`update`) replaces the contributions of the documents touched: a passage
 * that stays the same (same kind, words and label id, at the same range or one moved by a revision's
 * change in length) is kept in place with its matches; the others leave, the new ones come (see
 * replaceDocument). Only the candidate pairs whose status can have changed are looked at again:
 * - pairs with a new passage;
 * - pairs of untouched passages next to a change in a long posting (the `window` rule pairs
 *   neighbours, so an insert or a removal changes who is whose neighbour);
 * - all pairs of a posting that crossed a threshold (`maxPosting`, or the stop-shingle threshold,
 *   which moves with the number of passages).
 * A pair is then judged from scratch (`isCandidate`: some shared shingle pairs it), so the set of
 * matches is exactly the one a fresh index over the same documents holds. Statements are re-formed
 * (lazily, on `clusters()`) only for the groups of matches that lost or gained a match.
 *
 * Order: postings are sorted by (document id, passage position), and renderings by document id
 * then offset, so results do not depend on the order documents arrived in.
 * Offsets are UTF-16 code units, as everywhere in this folder.
 */

/** A document's words (or a passage's): their ids and UTF-16 ranges. */
interface DocWords {
  words: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
}

/**
 * What the index keeps of one document's words, in one Int32Array (`numbers`): FIELDS numbers a
 * passage (its table, see IndexedPassage), then a pool holding, passage after passage, each
 * passage's content word ids sorted then its distinct shingles ascending. Passages point into it by
 * offsets: no array of their own (an array or a view costs 100-270 bytes of heap apiece; a corpus of
 * 10,000 news articles has 340,000 passages), and one array a document, not three.
 * The words themselves and their ranges are not kept (about 12 bytes a word, 6.7 KB a news article):
 * a passage's are found again from its document's text when a pair with it is aligned
 * (`passageWords`: tokenizeRange gives exactly the words the whole text's tokens give there), and a
 * document's when the index is written (`documentRecords`). `kept`: only for a stand-in put back by
 * `restoreSteps` (its text is not there), which the update right after replaces.
 */
interface DocData {
  id: string;
  slot: number;
  /** Passages. */
  count: number;
  /** FIELDS numbers a passage, by position (see IndexedPassage), then the pool (offsets into `numbers`). */
  numbers: Int32Array;
  /** Label id by passage position, when the document has a labelled passage. */
  labelIds?: (string | undefined)[];
  kept?: DocWords;
}

/** Numbers kept per passage at the head of its document's `numbers` (DocData): */
const KIND = 0; // index in PASSAGE_KINDS
const START = 1; // UTF-16 range in the document
const END = 2;
const FROM = 3; // its words: the document's words [from, to) (see DocData)
const TO = 4;
const CONTENT_FROM = 5; // its sorted content ids: numbers[contentFrom, shinglesFrom); its shingles: numbers[shinglesFrom, shinglesTo)
const SHINGLES_FROM = 6;
const SHINGLES_TO = 7;
const KEY_HIGH = 8; // its copy key (see copyKeyOf): KEY_HIGH (unsigned) * 2^21 + KEY_LOW
const KEY_LOW = 9;
const FIELDS = 10;

/** The copy key of passage `seq` of `data`. */
function copyKeyAt(data: DocData, seq: number): number {
  return (data.numbers[seq * FIELDS + KEY_HIGH] >>> 0) * 2 ** 21 + data.numbers[seq * FIELDS + KEY_LOW];
}

/**
 * One passage in the index (a labelled span, quotation or sentence): its number, its position in
 * its document, and its document's data (DocData), which holds its range, offsets, copy key and
 * label id in typed arrays: three fields a passage (an object of sixteen fields took
 * about 200 bytes; a corpus of 10,000 news articles has 340,000 passages). `content`, `shingles`
 * are views made when asked for (aligning); the hot loops read the pool through the offsets.
 */
class IndexedPassage {
  /**
   * Its number times 4, plus its state in bits 0-1: 0 undecided, 1 in the postings, 2 left out
   * (boilerplate). One field for both: 8 bytes less a passage.
   */
  private bits: number;

  constructor(
    uid: number,
    /**
     * Position among its document's passages. A passage kept in place across an update of its
     * document moves to its position in the new contribution (`moveTo`). (A stand-in for one that
     * left, which only `before` reads, has a place between two: see StatementIndex.replaceDocument.)
     */
    public seq: number,
    public data: DocData,
  ) {
    this.bits = uid * 4;
  }

  get uid(): number {
    return this.bits >> 2;
  }

  /** The same passage (same kind, range and words) at position `seq` of its document's new data. */
  moveTo(seq: number, data: DocData): void {
    this.seq = seq;
    this.data = data;
  }

  /** In the postings (not boilerplate); `undefined` until the update that adds it decides. */
  get posted(): boolean | undefined {
    const s = this.bits & 3;
    return s === 0 ? undefined : s === 1;
  }
  set posted(v: boolean | undefined) {
    this.bits = (this.bits & ~3) | (v === undefined ? 0 : v ? 1 : 2);
  }
  get docId(): string {
    return this.data.id;
  }
  /** The document's slot in the index. */
  get doc(): number {
    return this.data.slot;
  }
  get kind(): PassageKind {
    return PASSAGE_KINDS[this.data.numbers[this.seq * FIELDS + KIND]];
  }
  get start(): number {
    return this.data.numbers[this.seq * FIELDS + START];
  }
  get end(): number {
    return this.data.numbers[this.seq * FIELDS + END];
  }
  get from(): number {
    return this.data.numbers[this.seq * FIELDS + FROM];
  }
  get to(): number {
    return this.data.numbers[this.seq * FIELDS + TO];
  }
  get contentFrom(): number {
    return this.data.numbers[this.seq * FIELDS + CONTENT_FROM];
  }
  get shinglesFrom(): number {
    return this.data.numbers[this.seq * FIELDS + SHINGLES_FROM];
  }
  get shinglesTo(): number {
    return this.data.numbers[this.seq * FIELDS + SHINGLES_TO];
  }
  get labelId(): string | undefined {
    return this.data.labelIds?.[this.seq];
  }
  /** Its content words in order, hashed: identical copies of a passage share it. */
  get copyKey(): number {
    return copyKeyAt(this.data, this.seq);
  }

  /** Ids of its content words, sorted: a cheap bound on shared content words before aligning. */
  get content(): Int32Array {
    return this.data.numbers.subarray(this.contentFrom, this.shinglesFrom);
  }
  /** Distinct shingles, ascending. */
  get shingles(): Int32Array {
    return this.data.numbers.subarray(this.shinglesFrom, this.shinglesTo);
  }
  get wordCount(): number {
    return this.to - this.from;
  }

  /** The same passage as a fresh object (see StatementIndex.replaced). */
  copy(): IndexedPassage {
    return new IndexedPassage(this.uid, this.seq, this.data);
  }
}

/**
 * A passage whose content words occur, in the same order, in more than this many passages of the
 * corpus (a sentence repeated thousands of times: a standfirst, a legal notice, a generated text) is
 * boilerplate: it is left out of the postings, so it is never paired, aligned or grouped. Each copy
 * would otherwise match every other one (copies² pairs) and all of them form one statement whose
 * grouping is quadratic too. Counted in `boilerplateSkipped`.
 */
export const MAX_PASSAGE_COPIES = 50;

interface DocEntry {
  slot: number;
  doc: CorpusDocument;
  data: DocData;
  passages: IndexedPassage[];
}

interface Group {
  keys: Set<number>;
  cluster: StatementCluster | null;
}

/** Statements biggest first: documents, renderings, labelled renderings, then id. */
function clusterOrder(x: StatementCluster, y: StatementCluster): number {
  return y.documentCount - x.documentCount || y.renderings.length - x.renderings.length || y.labelledCount - x.labelledCount || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
}

/** Where `c` is or goes in `sorted` (in clusterOrder): the first position not before it. */
function placeOfCluster(sorted: StatementCluster[], c: StatementCluster): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (clusterOrder(sorted[mid], c) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Past this many statements formed or dropped since the last `clusters()`, the list is sorted again whole. */
const MAX_SORTED_PATCH = 256;

/** Pair keys: the smaller uid times 2^26 plus the larger (uids are reused, so they stay small). */
const PAIR_SHIFT = 2 ** 26;
const pairKey = (a: number, b: number) => (a < b ? a * PAIR_SHIFT + b : b * PAIR_SHIFT + a);

export interface IndexUpdateStats {
  /** Documents whose contribution was replaced, added or removed. */
  documents: number;
  /** Candidate pairs judged again. */
  pairsJudged: number;
  /** Pairs aligned (the expensive step). */
  aligned: number;
  /**
   * Passages of the documents changed that were taken out (with their matches) and new ones put in
   * (every pair they make judged). A passage whose kind, range and words stay is kept in place: a
   * label saved on an unchanged text takes out and puts in only label passages.
   */
  passagesRemoved: number;
  passagesAdded: number;
}

/**
 * Work done in steps: a generator that yields between small pieces of work (a pair judged, a few
 * hundred postings entries visited, a group's neighbours scanned). Whoever drives it may pause
 * between two pieces (the service gives the event loop a turn); the index is never read while a
 * step is under way. `drain` runs it to the end at once.
 */
export type Steps<T> = Generator<void, T, void>;

export function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Work units between two yields. A unit is about one map lookup or postings entry: a word given its
 * id, a shingle put in or taken out of a posting, a postings entry visited, a pair noted, 16 tokens
 * copied. Loops over a document's words or a passage's shingles count as they go and yield inside,
 * so a step is bounded whatever the document (see `stepWork`); the one piece of work not split is
 * one passage's own words (its content words and shingles sorted), at most MAX_MATCHED_PASSAGE_WORDS.
 */
export const STEP = 256;

/**
 * A passage of more words than this is never matched: aligning it with the shortest possible
 * partner (MIN_CONTENT_WORDS words) exceeds MAX_ALIGN_CELLS, so `matchPassages` refuses every pair
 * it could be in. It is left out of the index (like a passage with too few content words), so a
 * 2,000,000-character run-on "sentence" costs no shingles, postings or pairs. News sentences and
 * labels are far shorter: results for them are unchanged.
 */
export const MAX_MATCHED_PASSAGE_WORDS = Math.floor(MAX_ALIGN_CELLS / MIN_CONTENT_WORDS);

/** Words (found again from the text to align a pair) kept of the passages used last: with their arrays, about 1 MB. */
export const PASSAGE_WORDS_KEPT = 25_000;

/** A match as stored: document id and passage position of each side (corpus order), then aFrom, aTo, bFrom, bTo, matched. */
export type MatchRecord = [string, number, string, number, number, number, number, number, number];

/**
 * What the index keeps of one document, as stored between runs: its word ids (into the dictionary
 * stored with them), their UTF-16 ranges, and its passages (in index order: a match names a passage
 * by its position here). Enough to put the document back without tokenising it again.
 */
export interface DocumentWordsRecord {
  id: string;
  words: ArrayLike<number>;
  starts: ArrayLike<number>;
  ends: ArrayLike<number>;
  passages: Array<{ kind: PassageKind; start: number; end: number; labelId?: string }>;
}

export class StatementIndex {
  private readonly ids = new WordIds();
  /** Shingle hash of each word id, from the word itself: the same whatever order words were met in. */
  private readonly wordHash: number[] = [];
  private readonly docs = new Map<string, DocEntry>();
  private readonly bySlot: CorpusDocument[] = [];
  private readonly freeSlots: number[] = [];
  private readonly passages: IndexedPassage[] = [];
  private readonly freeUids: number[] = [];
  private passageCount = 0;
  /**
   * Passage numbers by shingle, in a flat table (one entry per distinct shingle: 2,400,000 at
   * 10,000 news-like texts, 8-16 bytes each instead of about 40 in a Map), sharded: a huge
   * document brings hundreds of thousands of shingles at once (see ShardedFlatTable). A shingle
   * held by one passage only (most are) maps to the passage's number itself; one held by more maps
   * to -1 - its posting's id in `postingStore` (kept sorted in corpus order while the neighbour
   * rules may read it, a posting past the stop threshold only appended to).
   */
  private readonly postings = new ShardedFlatTable();
  private readonly postingStore = new PostingStore();
  /** Shingles whose posting is longer than `minCommon`: the only ones the stop threshold can flip. */
  private readonly longPostings = new Set<number>();
  private readonly matches = new Map<number, PassageMatch>();
  /** The two regions of each match (slot, UTF-16 start, end), in the order a, b. */
  private readonly regions = new Map<number, Int32Array>();
  private readonly matchesOfPassage = new Map<number, Set<number>>();
  private readonly matchesOfSlot = new Map<number, Set<number>>();
  private readonly groupOf = new Map<number, Group>();
  private readonly groups = new Set<Group>();
  /** Matches whose group must be formed again. */
  private readonly dirty = new Set<number>();
  /**
   * Layouts kept for good: only those a contribution brought (texts of LAYOUT_KEPT_FROM characters
   * or more, whose layout costs about 100 ms to find again). Others are found when a statement in
   * the document is drawn and kept only until the groups being formed are (`runLayouts`): kept for
   * every document with a statement, they held about 1 KB a document.
   */
  private readonly layouts = new Map<number, DocumentLayout>();
  private readonly runLayouts = new Map<number, DocumentLayout>();
  /** Words of the passages aligned last, by uid, least recently used first (see passageWords). */
  private readonly recentWords = new Map<number, DocWords>();
  /** The words of the record read last (see documentRecords). */
  private readonly lastRecordWords: { record: object | null; words: DocWords | null } = { record: null, words: null };
  private recentWordCount = 0;
  private sorted: StatementCluster[] | null = null;
  /** Statements formed and dropped since `sorted` was made: `clusters()` puts them in or takes them out (a change touches a few of thousands). */
  private readonly addedSinceSort = new Set<StatementCluster>();
  private readonly droppedSinceSort = new Set<StatementCluster>();
  private common: number;
  /** Passages by copy key (identical content words in order): the passage itself while it has no copy (most have none). */
  private readonly copies = new ShardedFlatTable(true);
  /**
   * The numbers of the passages of each copy key that has copies, in the order they came (`copies`
   * holds -1 for such a key; most passages have no copy, and a flat table entry costs 12-24 bytes
   * where a Map's, with its boxed key, took about 56).
   */
  private readonly copyLists = new Map<number, number[]>();
  private readonly maxCopies: number;
  private skipped = 0;
  /** Work units since the last yield (see STEP). */
  private work = 0;
  /**
   * Steps taken by the generators of this index and the most work units any of them did between two
   * yields (tests read it: a step stays bounded for any document).
   */
  readonly stepWork = { steps: 0, longest: 0 };
  lastUpdate: IndexUpdateStats = { documents: 0, pairsJudged: 0, aligned: 0, passagesRemoved: 0, passagesAdded: 0 };

  constructor(private readonly options: IndexOptions = DEFAULT_INDEX_OPTIONS) {
    this.common = options.minCommon;
    this.maxCopies = options.maxCopies ?? MAX_PASSAGE_COPIES;
  }

  /**
   * Counts `units` of work; true when a step's worth is done and the caller must yield (the
   * counter starts again). Every loop whose length depends on a document counts through it.
   */
  private spent(units: number): boolean {
    this.work += units;
    if (this.work < STEP) return false;
    this.endStep();
    return true;
  }

  /** Ends a step (the caller yields now, whatever work was counted). */
  private endStep(): void {
    this.stepWork.steps++;
    if (this.work > this.stepWork.longest) this.stepWork.longest = this.work;
    this.work = 0;
  }

  /** Passages left out as boilerplate (see MAX_PASSAGE_COPIES). */
  get boilerplateSkipped(): number {
    return this.skipped;
  }

  get documentCount(): number {
    return this.docs.size;
  }

  get passageTotal(): number {
    return this.passageCount;
  }

  get matchCount(): number {
    return this.matches.size;
  }

  /** The documents indexed, by id. */
  documents(): CorpusDocument[] {
    return [...this.docs.values()].map((e) => e.doc).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  document(id: string): CorpusDocument | null {
    return this.docs.get(id)?.doc ?? null;
  }

  /**
   * Replaces the contribution of each document given (`null`: the document is gone). Documents not
   * named keep theirs. Clusters are formed again on the next `clusters()`. A change may bring the
   * document's contribution computed elsewhere (the worker thread); else it is computed here.
   */
  update(changes: Array<{ id: string; doc: CorpusDocument | null; contribution?: DocumentContribution }>): IndexUpdateStats {
    return drain(this.updateSteps(changes));
  }

  /** `update` in steps (see Steps). */
  *updateSteps(changes: Array<{ id: string; doc: CorpusDocument | null; contribution?: DocumentContribution }>): Steps<IndexUpdateStats> {
    // One change a document: the last one given for it (only its latest contribution counts).
    const last = new Map<string, (typeof changes)[number]>();
    for (const change of changes) {
      last.delete(change.id);
      last.set(change.id, change);
    }
    const stats: IndexUpdateStats = { documents: last.size, pairsJudged: 0, aligned: 0, passagesRemoved: 0, passagesAdded: 0 };
    const touchedShingles = new ShardedMap<number, { oldLength: number; removed: IndexedPassage[]; added: IndexedPassage[] }>(numberShard);
    const touch = (s: number) => {
      let t = touchedShingles.get(s);
      if (!t) touchedShingles.set(s, (t = { oldLength: this.lengthOf(s), removed: [], added: [] }));
      return t;
    };
    const added: IndexedPassage[] = [];
    const touchedCopies = new Set<number>();
    const leavingShingle = (s: number, q: IndexedPassage) => touch(s).removed.push(q);
    for (const { id, doc, contribution } of last.values()) {
      this.endStep();
      yield;
      const old = this.docs.get(id);
      if (old && !doc) {
        stats.passagesRemoved += yield* this.leaveSteps(old.passages, leavingShingle, touchedCopies);
        this.docs.delete(id);
        this.bySlot[old.slot] = undefined as unknown as CorpusDocument;
        this.layouts.delete(old.slot);
        this.freeSlots.push(old.slot);
      }
      if (!doc) continue;
      const c = contribution ?? documentContribution(doc);
      // A document's words get their ids a step at a time: random text brings hundreds of
      // thousands of new words, a 2,000,000-character text up to a million tokens.
      const local = new Int32Array(c.vocabSize);
      for (let v = 0, at = 0; v < local.length; v++) {
        const next = c.vocab.indexOf('\n', at);
        local[v] = this.ids.of(c.vocab.slice(at, next));
        at = next + 1;
        if (this.spent(1)) yield;
      }
      const words = new Int32Array(c.tokens.length);
      for (let i = 0; i < words.length; i++) {
        words[i] = local[c.tokens[i]];
        if ((i & 15) === 15 && this.spent(1)) yield;
      }
      const all = { words, starts: c.starts, ends: c.ends };
      const passages = old ? yield* this.replaceDocument(old, doc, all, foundIn(c), c.layout, leavingShingle, touchedCopies, stats) : yield* this.addDocument(doc, all, foundIn(c), c.layout);
      stats.passagesAdded += passages.length;
      for (const p of passages) touchedCopies.add(p.copyKey);
    }
    // Boilerplate: passages with more identical copies than maxCopies stay out of the postings; a
    // count crossing the cap takes its copies out or puts them back.
    const onAdded = (s: number, p: IndexedPassage) => touch(s).added.push(p);
    const onRemoved = (s: number, p: IndexedPassage) => touch(s).removed.push(p);
    for (const key of touchedCopies) {
      const held = this.copiesOf(key);
      if (held === undefined) continue;
      const copies = typeof held === 'number' ? [held] : [...held];
      const boilerplate = copies.length > this.maxCopies;
      if (this.spent(1 + copies.length / 16)) yield;
      for (const uid of copies) {
        const p = this.passages[uid];
        if (this.spent(1)) yield;
        if (p.posted === undefined) {
          if (boilerplate) {
            p.posted = false;
            this.skipped++;
          } else {
            yield* this.postSteps(p, onAdded);
            added.push(p);
          }
        } else if (p.posted && boilerplate) {
          yield* this.unpostSteps(p, onRemoved);
          const out = this.replaced(p);
          out.posted = false;
          this.skipped++;
        } else if (!p.posted && !boilerplate) {
          this.skipped--;
          const fresh = this.replaced(p);
          yield* this.postSteps(fresh, onAdded);
          added.push(fresh);
        }
      }
    }

    const toJudge = new Set<number>();
    const judge = (a: number, b: number) => {
      if (a !== b) toJudge.add(pairKey(a, b));
    };
    const oldCommon = this.common;
    this.common = Math.max(this.options.minCommon, Math.ceil(this.options.commonShare * this.passageCount));
    for (const [s, t] of touchedShingles) {
      if (this.spent(1)) yield;
      const length = this.lengthOf(s);
      if (length > this.options.minCommon) this.longPostings.add(s);
      else this.longPostings.delete(s);
      const statusBefore = this.postingStatus(t.oldLength, oldCommon);
      const statusAfter = this.postingStatus(length, this.common);
      if (statusBefore === 'none' && statusAfter === 'none') continue;
      // Every pair of passages it held before and holds still, short enough both times, was and is
      // paired by it: none changed (pairs with a new passage are all judged below).
      if (statusBefore === 'all' && statusAfter === 'all') continue;
      const posting = this.ordered(s);
      // Pairs of passages that were there before and still are, whose support by this shingle may
      // have changed (pairs with a new passage are all judged below). Their distance among
      // themselves is a lower bound of their distance in the posting before and after, so only
      // pairs at most `window` apart among them can be neighbours; with the status unchanged,
      // only those with a change between them can have changed.
      const addedHere = new Set(t.added.map((p) => p.uid));
      const kept = t.added.length ? posting.filter((uid) => !addedHere.has(uid)) : posting;
      if (this.spent(posting.length / 4)) yield;
      const w = this.options.window;
      if (statusBefore === 'all' || statusAfter === 'all') {
        for (let i = 0; i < kept.length; i++) {
          if (this.spent(kept.length - i)) yield;
          for (let k = i + 1; k < kept.length; k++) judge(kept[i], kept[k]);
        }
      } else if (statusBefore === 'window' && statusAfter === 'window') {
        const places = new Set<number>();
        for (const p of t.added) places.add(this.positionOf(kept, kept.length, p));
        for (const p of t.removed) places.add(this.positionOf(kept, kept.length, p));
        if (this.spent((t.added.length + t.removed.length) / 4)) yield;
        for (const c of places) {
          if (this.spent(1 + w)) yield;
          for (let i = Math.max(0, c - w); i < c; i++) {
            for (let j = c; j < Math.min(kept.length, i + w + 1); j++) judge(kept[i], kept[j]);
          }
        }
      } else if (statusBefore === 'window' || statusAfter === 'window') {
        for (let i = 0; i < kept.length; i++) {
          if (this.spent(1)) yield;
          for (let k = i + 1; k < Math.min(kept.length, i + 1 + w); k++) judge(kept[i], kept[k]);
        }
      }
    }
    if (oldCommon !== this.common) {
      const lo = Math.min(oldCommon, this.common);
      const hi = Math.max(oldCommon, this.common);
      for (const s of this.longPostings) {
        if (this.spent(1)) yield;
        if (touchedShingles.has(s)) continue;
        const length = this.lengthOf(s);
        if (length > lo && length <= hi + 1) yield* this.forEachRulePair(this.ordered(s), hi, judge);
      }
    }
    // New passages: every pair one of their shingles makes.
    for (const p of added) {
      const pool = p.data.numbers;
      for (let i = p.shinglesFrom; i < p.shinglesTo; i++) {
        const s = pool[i];
        if (this.spent(1)) yield;
        const status = this.postingStatus(this.lengthOf(s), this.common);
        if (status === 'none') continue;
        const posting = this.ordered(s);
        if (status === 'all') {
          for (const q of posting) judge(p.uid, q);
          if (this.spent(posting.length)) yield;
        } else {
          const at = this.positionOf(posting, posting.length, p);
          for (let k = Math.max(0, at - this.options.window); k <= Math.min(posting.length - 1, at + this.options.window); k++) judge(p.uid, posting[k]);
        }
      }
    }
    for (const key of toJudge) {
      this.endStep();
      yield;
      const a = this.passages[Math.floor(key / PAIR_SHIFT)];
      const b = this.passages[key % PAIR_SHIFT];
      if (!a || !b) continue;
      stats.pairsJudged++;
      const known = this.matches.has(key);
      // Judging walks both shingle lists; aligning costs words × words (at most MAX_ALIGN_CELLS).
      this.work += 1 + (a.shinglesTo - a.shinglesFrom + b.shinglesTo - b.shinglesFrom) / 16;
      if (!this.isCandidate(a, b)) {
        if (known) this.removeMatch(key);
        continue;
      }
      if (known) continue; // passages never change once indexed: a known match stays one
      const [x, y] = this.inCorpusOrder(a, b);
      stats.aligned++;
      this.work += Math.min(MAX_ALIGN_CELLS, x.wordCount * y.wordCount) / 64;
      if (!mayMatch(x.wordCount, x.content, y.wordCount, y.content)) continue;
      // Their words, found again from the texts: about a unit a word.
      this.work += x.wordCount + y.wordCount;
      const xw = this.passageWords(x);
      const yw = this.passageWords(y);
      const m = matchPassages({ words: xw.words, content: x.content }, { words: yw.words, content: y.content }, x.uid, y.uid, this.ids);
      if (m) this.addMatch(key, m, xw, yw);
    }
    this.lastUpdate = stats;
    return stats;
  }

  /** Every match, as stored beside the documents (see MatchRecord). */
  matchRecords(): MatchRecord[] {
    const out: MatchRecord[] = [];
    for (const m of this.matches.values()) {
      const a = this.passages[m.a];
      const b = this.passages[m.b];
      out.push([a.docId, a.seq, b.docId, b.seq, m.aFrom, m.aTo, m.bFrom, m.bTo, m.matched]);
    }
    return out;
  }

  /** The word each id stands for, by id: the dictionary `documentRecords` point into. */
  dictionary(): string[] {
    return Array.from({ length: this.ids.size }, (_, i) => this.ids.word(i));
  }

  /**
   * What each document holds, by id, as of this call (later updates do not change a record). A
   * record's words and ranges are found again from its document's text when read (LazyRecord), so
   * records read one after the other (as the index file is written) hold one document's words at a
   * time, not the corpus's (12 bytes a word: 65 MB at 10,000 news articles).
   */
  *documentRecords(): Generator<DocumentWordsRecord, void, void> {
    const ids = [...this.docs.keys()].sort();
    for (const id of ids) {
      // A document removed since the list was taken (the caller read records across updates) has none.
      const record = this.documentRecord(id);
      if (record) yield record;
    }
  }

  /** The record of one document as `documentRecords` gives it, as of this call; `null` when it is not indexed. */
  documentRecord(id: string): DocumentWordsRecord | null {
    const e = this.docs.get(id);
    if (!e) return null;
    const { doc } = e;
    const kept = e.data.kept;
    // The passages themselves (kind, range, label id are what a record reads of them): no copy. A
    // passage kept in place by a later update has the same kind, range and label id (replaceDocument).
    return new LazyRecord(id, e.passages, this.lastRecordWords, () => kept ?? this.documentWords(doc));
  }

  /**
   * Puts back an index as `documentRecords`, `dictionary` and `matchRecords` described it, into an
   * empty index, without tokenising or judging any pair: the result is the index those records were
   * taken from. `docs` gives each record's document as matching reads it (its text must be the one
   * the record was made from; `replaced`: a stand-in for a document an `update` replaces right after,
   * whose text is not checked).
   * Throws when the records do not fit together (a passage or a word range that is not there).
   */
  *restoreSteps(dictionary: string[], records: Iterable<{ doc: CorpusDocument; record: DocumentWordsRecord; replaced?: boolean }>, matches: Iterable<MatchRecord>): Steps<void> {
    if (this.docs.size) throw new Error('statement index: a restore needs an empty index');
    const map = new Int32Array(dictionary.length);
    for (let i = 0; i < dictionary.length; i++) {
      map[i] = this.ids.of(dictionary[i]);
      if (this.spent(1)) yield;
    }
    const order: IndexedPassage[][] = [];
    /** Each document's word ranges, as its record gives them, while its stored matches are put back. */
    const ranges = new Map<string, Pick<DocumentWordsRecord, 'starts' | 'ends'>>();
    let previous = '';
    let inOrder = true;
    for (const { doc, record, replaced } of records) {
      this.endStep();
      yield;
      if (doc.id !== record.id || this.docs.has(record.id)) throw new Error(`statement index: document ${record.id} is given twice or under another id`);
      if (record.id <= previous) inOrder = false;
      previous = record.id;
      const n = record.words.length;
      if (record.starts.length !== n || record.ends.length !== n) throw new Error(`statement index: the words of ${record.id} do not have one range each`);
      if (!replaced) {
        for (let i = 0; i < n; i++) {
          if (!(record.starts[i] >= 0 && record.starts[i] <= record.ends[i]) || record.ends[i] > doc.text.length) throw new Error(`statement index: a word range of ${record.id} is not in its text`);
          if ((i & 15) === 15 && this.spent(1)) yield;
        }
        for (const p of record.passages) {
          if (!(p.start < p.end) || p.end > doc.text.length) throw new Error(`statement index: a passage of ${record.id} is not in its text`);
          if (this.spent(1)) yield;
        }
      }
      const words = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = record.words[i];
        if (!(Number.isInteger(v) && v >= 0 && v < map.length)) throw new Error(`statement index: a word of ${record.id} is not in the dictionary`);
        words[i] = map[v];
        if ((i & 15) === 15 && this.spent(1)) yield;
      }
      const all = { words, starts: Int32Array.from(record.starts), ends: Int32Array.from(record.ends) };
      const passages = yield* this.addDocument(doc, all, foundAmong(record.passages), undefined, replaced === true);
      ranges.set(record.id, record);
      if (passages.length !== record.passages.length) throw new Error(`statement index: a stored passage of ${record.id} has too few words`);
      order.push(passages);
    }
    // Posted in corpus order (documents by id, passages by position), so each posting is built by
    // appending and is sorted as it is; boilerplate (more copies than the cap) stays out.
    for (const passages of order) {
      for (const p of passages) {
        if (this.spent(1)) yield;
        const held = this.copiesOf(p.copyKey)!;
        p.posted = !(typeof held !== 'number' && held.length > this.maxCopies);
        if (!p.posted) {
          this.skipped++;
          continue;
        }
        const pool = p.data.numbers;
        for (let i = p.shinglesFrom; i < p.shinglesTo; i++) {
          const s = pool[i];
          const v = this.postings.get(s);
          if (v === undefined) this.postings.set(s, p.uid);
          else if (inOrder && v < 0) this.postingStore.push(-1 - v, p.uid);
          else this.insertPosting(s, p);
          if (this.spent(2)) yield;
        }
      }
    }
    this.common = Math.max(this.options.minCommon, Math.ceil(this.options.commonShare * this.passageCount));
    for (const s of this.postings.keys()) {
      if (this.lengthOf(s) > this.options.minCommon) this.longPostings.add(s);
      if (this.spent(1)) yield;
    }
    for (const m of matches) {
      if (this.spent(4)) yield;
      const x = this.docs.get(m[0])?.passages[m[1]];
      const y = this.docs.get(m[2])?.passages[m[3]];
      if (!x || !y || !x.posted || !y.posted || !before(x, y)) throw new Error(`statement index: a stored match names passages that are not there (${m[0]} #${m[1]}, ${m[2]} #${m[3]})`);
      if (m[5] > x.wordCount || m[7] > y.wordCount || m[4] >= m[5] || m[6] >= m[7]) throw new Error(`statement index: a stored match of ${m[0]} and ${m[2]} is outside its passages`);
      const key = pairKey(x.uid, y.uid);
      if (this.matches.has(key)) throw new Error(`statement index: a stored match of ${m[0]} and ${m[2]} is given twice`);
      const xr = ranges.get(m[0])!;
      const yr = ranges.get(m[2])!;
      this.addMatch(key, { a: x.uid, b: y.uid, aFrom: m[4], aTo: m[5], bFrom: m[6], bTo: m[7], matched: m[8] }, { starts: xr.starts, ends: xr.ends, offset: x.from }, { starts: yr.starts, ends: yr.ends, offset: y.from });
    }
  }

  /**
   * Adds one document (its slot, passages with their sorted content ids and shingles, gathered in
   * the document's pool); the passages are not posted yet. Passages with too few content words are
   * left out, as everywhere, and so are those of more than MAX_MATCHED_PASSAGE_WORDS words (never
   * matched). In steps of at most one passage's words.
   */
  private *addDocument(doc: CorpusDocument, all: DocWords, found: FoundPassages, layout?: DocumentContribution['layout'], keepWords = false): Steps<IndexedPassage[]> {
    const slot = this.freeSlots.pop() ?? this.bySlot.length;
    const data = yield* this.documentData(doc, slot, all, found, layout, keepWords);
    const passages: IndexedPassage[] = [];
    for (let seq = 0; seq < data.count; seq++) {
      if (this.spent(1)) yield;
      passages.push(this.indexed(new IndexedPassage(this.takeUid(), seq, data)));
    }
    this.docs.set(doc.id, { slot, doc, data, passages });
    return passages;
  }

  /**
   * Takes `passages` (of one document) out: out of the postings with their matches (`leaving` told
   * each shingle), out of their copy lists; their numbers are freed. Returns how many.
   */
  private *leaveSteps(passages: Iterable<IndexedPassage>, leaving: (s: number, p: IndexedPassage) => void, touchedCopies: Set<number>): Steps<number> {
    // A document may hold thousands of copies of one passage: they leave its copy list in one
    // pass per list (removing them one by one searched and shifted the list each time).
    const byKey = new Map<number, Set<number>>();
    let count = 0;
    for (const p of passages) {
      if (this.spent(1)) yield;
      if (p.posted) yield* this.unpostSteps(p, leaving);
      else this.skipped--;
      this.forget(p);
      let set = byKey.get(p.copyKey);
      if (!set) byKey.set(p.copyKey, (set = new Set()));
      set.add(p.uid);
      touchedCopies.add(p.copyKey);
      count++;
    }
    for (const [key, set] of byKey) {
      if (this.spent(1 + set.size)) yield;
      this.releaseCopies(key, set);
    }
    return count;
  }

  /**
   * Replaces the contribution of an indexed document with its new one, keeping in place every
   * passage that stays the same passage: same kind, same UTF-16 range, same words (on an unchanged
   * text, the same range is enough; else its words are compared with those of the old text). A
   * label saved on an unchanged text so takes out and puts in label passages only, and a revision
   * only the passages whose range or words it changed. Kept passages keep their number, postings,
   * copy list, state and matches (a match depends only on its two passages' words and on the
   * postings, whose changes the update judges again as for any other passage); they move to their
   * position in the new contribution (labels come first: a label added shifts every sentence), in
   * the same order (a passage whose order would change leaves and comes back), so every posting
   * stays sorted. The passages that left are unposted and forgotten; the new ones are returned,
   * registered but not posted (as addDocument does). The document keeps its slot; the groups of
   * its matches are formed again (its labels, drawn in its statements, may have changed).
   */
  private *replaceDocument(
    old: DocEntry,
    doc: CorpusDocument,
    all: DocWords,
    found: FoundPassages,
    layout: DocumentContribution['layout'] | undefined,
    leaving: (s: number, p: IndexedPassage) => void,
    touchedCopies: Set<number>,
    stats: IndexUpdateStats,
  ): Steps<IndexedPassage[]> {
    const slot = old.slot;
    const oldDoc = old.doc;
    const oldKept = old.data.kept;
    this.layouts.delete(slot);
    const data = yield* this.documentData(doc, slot, all, found, layout, false);
    const count = data.count;
    const byRange = new Map<string, IndexedPassage>();
    for (const p of old.passages) {
      if (this.spent(1)) yield;
      const key = `${p.kind}:${p.start}:${p.end}:${p.labelId ?? ''}`;
      if (!byRange.has(key)) byRange.set(key, p);
    }
    // The text unchanged (and its words those indexed: not a stand-in put back by restoreSteps):
    // the same range holds the same words.
    const sameText = !oldKept && oldDoc.text === doc.text;
    // An edit in one place moves every passage after it by the change in length: such a passage,
    // its words the same, is kept too (its matches' regions moved with it).
    const shift = doc.text.length - oldDoc.text.length;
    const keptAt: (IndexedPassage | undefined)[] = new Array(count);
    const shifted = new Uint8Array(count);
    /** New position of each old passage kept (by old position), -1 for one that leaves. */
    const movesTo = new Int32Array(old.passages.length).fill(-1);
    const stays = new Set<IndexedPassage>();
    let lastSeq = -1;
    for (let seq = 0; seq < count; seq++) {
      if (this.spent(1)) yield;
      const at = seq * FIELDS;
      const kind = PASSAGE_KINDS[data.numbers[at + KIND]];
      const start = data.numbers[at + START];
      const end = data.numbers[at + END];
      const labelId = data.labelIds?.[seq] ?? '';
      const from = data.numbers[at + FROM];
      const to = data.numbers[at + TO];
      let p: IndexedPassage | undefined;
      for (const by of shift === 0 ? [0] : [0, shift]) {
        const q = byRange.get(`${kind}:${start - by}:${end - by}:${labelId}`);
        if (!q || q.seq <= lastSeq || q.copyKey !== copyKeyAt(data, seq)) continue;
        if (!sameText) {
          if (this.spent(to - from)) yield;
          if (!this.sameWords(q, oldDoc, oldKept, all, from, to, by)) continue;
        }
        p = q;
        shifted[seq] = by === 0 ? 0 : 1;
        break;
      }
      if (!p) continue;
      keptAt[seq] = p;
      movesTo[p.seq] = seq;
      stays.add(p);
      lastSeq = p.seq;
    }
    // Those that leave are told to the neighbour rules as stand-ins placed among those kept where
    // they were (`positionOf` finds their place in a posting once the kept ones have moved): the
    // passage itself stays as it was (a record taken before may still read it).
    const standIns = new Map<IndexedPassage, IndexedPassage>();
    let next = count;
    for (let i = old.passages.length - 1; i >= 0; i--) {
      if (this.spent(1)) yield;
      const p = old.passages[i];
      if (movesTo[i] >= 0) next = movesTo[i];
      else if (p.posted) standIns.set(p, new IndexedPassage(p.uid, next - 0.5, p.data));
    }
    const gone = old.passages.filter((p) => !stays.has(p));
    stats.passagesRemoved += yield* this.leaveSteps(gone, (s, p) => leaving(s, standIns.get(p) ?? p), touchedCopies);
    // Passages kept at another range are new objects in the old ones' places (a record taken
    // before reads the old ones), found while every passage is still where it was.
    const moved: Array<[IndexedPassage, IndexedPassage]> = [];
    for (let seq = 0; seq < count; seq++) {
      const p = keptAt[seq];
      if (!p || !shifted[seq]) continue;
      const q = new IndexedPassage(p.uid, seq, data);
      q.posted = p.posted;
      moved.push([p, q]);
      keptAt[seq] = q;
    }
    if (moved.length) yield* this.movedSteps(moved, shift);
    const passages: IndexedPassage[] = new Array(count);
    const fresh: IndexedPassage[] = [];
    for (let seq = 0; seq < count; seq++) {
      if (this.spent(2)) yield;
      const p = keptAt[seq];
      if (p && !shifted[seq]) p.moveTo(seq, data);
      else if (!p) fresh.push(this.indexed(new IndexedPassage(this.takeUid(), seq, data)));
      passages[seq] = p ?? fresh[fresh.length - 1];
    }
    this.docs.set(doc.id, { slot, doc, data, passages });
    for (const key of this.matchesOfSlot.get(slot) ?? []) {
      if (this.spent(1)) yield;
      this.dirty.add(key);
    }
    return fresh;
  }

  /**
   * Puts each new object `q` in the place of old passage `p` (same number, same words, its range
   * moved by `shift`): the postings and copy lists hold its number, which stays, and its place in
   * a sorted posting too (every other passage of the document keeps its order); the regions of its
   * matches move by `shift`.
   */
  private *movedSteps(moved: Array<[IndexedPassage, IndexedPassage]>, shift: number): Steps<void> {
    for (const [p, q] of moved) {
      if (this.spent(2)) yield;
      this.passages[q.uid] = q;
      const recent = this.recentWords.get(p.uid);
      if (recent) {
        this.recentWords.delete(p.uid);
        this.recentWordCount -= recent.words.length;
      }
      for (const key of this.matchesOfPassage.get(p.uid) ?? []) {
        if (this.spent(1)) yield;
        const side = this.matches.get(key)!.a === p.uid ? 1 : 4;
        const r = this.regions.get(key)!;
        r[side] += shift;
        r[side + 1] += shift;
      }
    }
  }

  /** True when old passage `p` (of `oldDoc`) has exactly the words all[from, to) of the new text, at its ranges moved by `shift`. */
  private sameWords(p: IndexedPassage, oldDoc: CorpusDocument, oldKept: DocWords | undefined, all: DocWords, from: number, to: number, shift: number): boolean {
    const n = to - from;
    if (p.to - p.from !== n) return false;
    let words: ArrayLike<number>;
    let starts: ArrayLike<number>;
    let ends: ArrayLike<number>;
    let at = 0;
    if (oldKept) {
      ({ words, starts, ends } = oldKept);
      at = p.from;
    } else {
      const tokens = tokenizeRange(oldDoc.text, p.start, p.end);
      if (tokens.length !== n) return false;
      ({ words, starts, ends } = this.wordsOfTokens(tokens));
    }
    for (let i = 0; i < n; i++) {
      if (words[at + i] !== all.words[from + i] || starts[at + i] + shift !== all.starts[from + i] || ends[at + i] + shift !== all.ends[from + i]) return false;
    }
    return true;
  }

  /**
   * A document's data (see DocData) at `slot`: its passages with their sorted content ids and
   * shingles, gathered in its pool (passages with too few content words, or more than
   * MAX_MATCHED_PASSAGE_WORDS words, left out); the document takes the slot. In steps of at most
   * one passage's words.
   */
  private *documentData(doc: CorpusDocument, slot: number, all: DocWords, found: FoundPassages, layout: DocumentContribution['layout'] | undefined, keepWords: boolean): Steps<DocData> {
    const data: DocData = { id: doc.id, slot, count: 0, numbers: EMPTY, ...(keepWords ? { kept: all } : {}) };
    this.bySlot[slot] = doc;
    if (layout) {
      const sentences = yield* this.rangesSteps(layout.sentences);
      const quotes = yield* this.rangesSteps(layout.quotes);
      const order = layout.labelOrder;
      this.layouts.set(slot, { sentences, quotes, ...(order && order.length === doc.labels.length ? { labelsByStart: labelsInOrder(doc.labels, order) } : {}) });
    }
    const pool: number[] = [];
    const kept: { kind: PassageKind; start: number; end: number; labelId?: string; from: number; to: number; contentFrom: number; shinglesFrom: number; shinglesTo: number; copyKey: number }[] = [];
    const isContent = this.ids.content;
    // Content word ids of one passage, then their shingles: scratch arrays reused by every passage.
    const scratch = new Int32Array(all.words.length);
    const hashes = new Int32Array(Math.max(0, all.words.length - 1));
    for (let k = 0; k < found.length; k++) {
      if (this.spent(8)) yield;
      const p = { kind: found.kind(k), start: found.start(k), end: found.end(k), labelId: found.labelId(k) };
      const { from, to } = wordRange(all, p.start, p.end);
      // One passage's words are the one piece of work not split into steps: at most
      // MAX_MATCHED_PASSAGE_WORDS of them (a longer passage is never matched and is left out).
      if (to - from > MAX_MATCHED_PASSAGE_WORDS) continue;
      if (this.spent(to - from)) yield;
      let n = 0;
      for (let i = from; i < to; i++) if (isContent[all.words[i]] === 1) scratch[n++] = all.words[i];
      if (n < MIN_CONTENT_WORDS) continue;
      const contentSeq = scratch.subarray(0, n);
      const contentFrom = pool.length;
      for (const w of contentSeq.slice().sort()) pool.push(w);
      const shinglesFrom = pool.length;
      this.shinglesInto(contentSeq, hashes, pool);
      kept.push({ kind: p.kind, start: p.start, end: p.end, ...(p.labelId ? { labelId: p.labelId } : {}), from, to, contentFrom, shinglesFrom, shinglesTo: pool.length, copyKey: this.copyKeyOf(contentSeq) });
    }
    // The pool goes after the table: its offsets move by the table's length.
    const base = kept.length * FIELDS;
    const numbers = new Int32Array(base + pool.length);
    for (let i = 0; i < pool.length; i++) {
      numbers[base + i] = pool[i];
      if ((i & 15) === 15 && this.spent(1)) yield;
    }
    data.numbers = numbers;
    data.count = kept.length;
    for (const [seq, f] of kept.entries()) {
      if (this.spent(2)) yield;
      const at = seq * FIELDS;
      data.numbers[at + KIND] = PASSAGE_KINDS.indexOf(f.kind);
      data.numbers[at + START] = f.start;
      data.numbers[at + END] = f.end;
      data.numbers[at + FROM] = f.from;
      data.numbers[at + TO] = f.to;
      data.numbers[at + CONTENT_FROM] = base + f.contentFrom;
      data.numbers[at + SHINGLES_FROM] = base + f.shinglesFrom;
      data.numbers[at + SHINGLES_TO] = base + f.shinglesTo;
      data.numbers[at + KEY_HIGH] = Math.floor(f.copyKey / 2 ** 21) | 0;
      data.numbers[at + KEY_LOW] = f.copyKey % 2 ** 21;
      if (f.labelId !== undefined) (data.labelIds ??= [])[seq] = f.labelId;
    }
    return data;
  }

  /** Start, end pairs as ranges, in steps. */
  private *rangesSteps(pairs: Int32Array): Steps<{ start: number; end: number }[]> {
    const out: { start: number; end: number }[] = [];
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      out.push({ start: pairs[i], end: pairs[i + 1] });
      if (this.spent(1)) yield;
    }
    return out;
  }

  /**
   * A passage's words and their UTF-16 ranges, found again from its document's text (see DocData);
   * those of the passages used last are kept, up to PASSAGE_WORDS_KEPT words (a new passage is
   * judged against many in a row).
   */
  private passageWords(p: IndexedPassage): DocWords {
    const kept = p.data.kept;
    if (kept) return { words: kept.words.subarray(p.from, p.to), starts: kept.starts.subarray(p.from, p.to), ends: kept.ends.subarray(p.from, p.to) };
    let words = this.recentWords.get(p.uid);
    if (words) {
      this.recentWords.delete(p.uid);
      this.recentWords.set(p.uid, words);
      return words;
    }
    const tokens = tokenizeRange(this.bySlot[p.doc].text, p.start, p.end);
    if (tokens.length !== p.to - p.from) throw new Error(`statement index: the words of a passage of ${p.docId} are not those it was indexed with`);
    words = this.wordsOfTokens(tokens);
    this.recentWords.set(p.uid, words);
    this.recentWordCount += words.words.length;
    for (const [uid, w] of this.recentWords) {
      if (this.recentWordCount <= PASSAGE_WORDS_KEPT) break;
      this.recentWords.delete(uid);
      this.recentWordCount -= w.words.length;
    }
    return words;
  }

  /** A document's words and their ranges, from its text: what its contribution gave when it was indexed. */
  private documentWords(doc: CorpusDocument): DocWords {
    return this.wordsOfTokens(tokenize(doc.text));
  }

  private wordsOfTokens(tokens: ReturnType<typeof tokenize>): DocWords {
    const words = new Int32Array(tokens.length);
    const starts = new Int32Array(tokens.length);
    const ends = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      words[i] = this.ids.of(tokens[i].norm);
      starts[i] = tokens[i].start;
      ends[i] = tokens[i].end;
    }
    return { words, starts, ends };
  }

  /** The statements: at least two renderings, biggest first (as `findStatements` orders them). */
  clusters(): StatementCluster[] {
    if (this.dirty.size) drain(this.formGroups());
    const changed = this.addedSinceSort.size + this.droppedSinceSort.size;
    if (this.sorted && changed > 0 && changed <= MAX_SORTED_PATCH) {
      // A new array (snapshots keep the one they were given): each dropped one found by binary
      // search and taken out, each formed one put in place. (A filter over every statement with a
      // Set lookup each took 13-25 ms, up to 178 under load, at 100,000 documents per label save.)
      const next = this.sorted.slice();
      for (const c of this.droppedSinceSort) {
        let at = placeOfCluster(next, c);
        if (next[at] !== c) at = -1;
        if (at >= 0) next.splice(at, 1);
      }
      for (const c of this.addedSinceSort) next.splice(placeOfCluster(next, c), 0, c);
      this.sorted = next;
    } else if (this.sorted && changed > 0) {
      // Many formed or dropped (an import): the kept ones stay in order, the formed are sorted
      // among themselves and merged in, in one pass (sorting every statement again held the event
      // loop 100-120 ms at 100,000 documents).
      const dropped = this.droppedSinceSort;
      const kept = dropped.size ? this.sorted.filter((c) => !dropped.has(c)) : this.sorted;
      const formed = [...this.addedSinceSort].sort(clusterOrder);
      const next = new Array<StatementCluster>(kept.length + formed.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < kept.length && j < formed.length) next[k++] = clusterOrder(kept[i], formed[j]) <= 0 ? kept[i++] : formed[j++];
      while (i < kept.length) next[k++] = kept[i++];
      while (j < formed.length) next[k++] = formed[j++];
      this.sorted = next;
    } else if (!this.sorted) {
      this.sorted = [...this.groups]
        .map((g) => g.cluster)
        .filter((c): c is StatementCluster => c !== null)
        .sort(clusterOrder);
    }
    this.addedSinceSort.clear();
    this.droppedSinceSort.clear();
    return this.sorted;
  }

  /** True when some shingle a and b share pairs them under the posting rules. */
  isCandidate(a: IndexedPassage, b: IndexedPassage): boolean {
    if (a.docId === b.docId && a.start < b.end && b.start < a.end) return false;
    const as = a.data.numbers;
    const bs = b.data.numbers;
    let i = a.shinglesFrom;
    let j = b.shinglesFrom;
    while (i < a.shinglesTo && j < b.shinglesTo) {
      const x = as[i];
      const y = bs[j];
      if (x < y) i++;
      else if (y < x) j++;
      else {
        const status = this.postingStatus(this.lengthOf(x), this.common);
        if (status === 'all') return true;
        if (status === 'window') {
          // A window posting holds several passages: its id in the store, read in place (no view: this runs per shared shingle of every pair judged).
          const id = -1 - this.postings.get(x)!;
          if (!this.postingStore.sorted(id)) this.postingStore.sort(id, this.corpusOrder);
          if (Math.abs(this.positionIn(id, a) - this.positionIn(id, b)) <= this.options.window) return true;
        }
        i++;
        j++;
      }
    }
    return false;
  }

  private postingStatus(length: number, common: number): 'none' | 'all' | 'window' {
    if (length < 2 || length > common) return 'none';
    return length <= this.options.maxPosting ? 'all' : 'window';
  }

  /** Every pair the rules make in a posting, with `common` as the stop threshold. */
  private *forEachRulePair(posting: Int32Array, common: number, visit: (a: number, b: number) => void): Steps<void> {
    const status = this.postingStatus(posting.length, common);
    if (status === 'none') return;
    for (let i = 0; i < posting.length; i++) {
      this.endStep();
      yield;
      const end = status === 'all' ? posting.length : Math.min(posting.length, i + 1 + this.options.window);
      for (let k = i + 1; k < end; k++) visit(posting[i], posting[k]);
    }
  }

  private takeUid(): number {
    const uid = this.freeUids.pop() ?? this.passages.length;
    if (uid >= PAIR_SHIFT) throw new Error('statement index: too many passages');
    return uid;
  }

  /** Registers a new passage (its uid taken with takeUid). */
  private indexed(ip: IndexedPassage): IndexedPassage {
    this.passages[ip.uid] = ip;
    this.passageCount++;
    const copies = this.copiesOf(ip.copyKey);
    if (copies === undefined) this.copies.set(ip.copyKey, ip.uid);
    else if (typeof copies !== 'number') copies.push(ip.uid);
    else {
      this.copies.set(ip.copyKey, -1);
      this.copyLists.set(ip.copyKey, [copies, ip.uid]);
    }
    return ip;
  }

  /**
   * Appends to `out` the distinct shingles of content words in order (pairs of consecutive words
   * hashed to 30 bits), ascending; `scratch` holds at least words.length - 1 numbers.
   */
  private shinglesInto(words: Int32Array, scratch: Int32Array, out: number[]): void {
    const n = words.length - 1;
    if (n <= 0) return;
    for (let i = 0; i < n; i++) scratch[i] = (Math.imul(this.hashOf(words[i]), 0x9e3779b1) ^ this.hashOf(words[i + 1])) & 0x3fffffff;
    const sorted = scratch.subarray(0, n).sort();
    out.push(sorted[0]);
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) out.push(sorted[i]);
  }

  /** Copy key of content words in order: two 32-bit hashes and the count, in one exact double (32 + 21 bits). */
  private copyKeyOf(words: Int32Array): number {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193;
    for (let i = 0; i < words.length; i++) {
      const h = this.hashOf(words[i]);
      h1 = Math.imul(h1 ^ h, 0x01000193);
      h2 = Math.imul(h2 + h, 0x9e3779b1) ^ (h2 >>> 15);
    }
    return (h1 >>> 0) * 2 ** 21 + (((h2 >>> 0) ^ Math.imul(words.length, 0x9e3779b1)) & 0x1fffff);
  }

  private hashOf(id: number): number {
    let h = this.wordHash[id];
    if (h === undefined) this.wordHash[id] = h = fnv1a32(this.ids.word(id));
    return h;
  }

  /**
   * Takes `p` out of the postings (and its matches out of the index), in steps; it stays a passage
   * of its document. `leaving(s, p)` is told each shingle before `p` leaves its posting.
   */
  private *unpostSteps(p: IndexedPassage, leaving: (s: number, p: IndexedPassage) => void): Steps<void> {
    const keys = this.matchesOfPassage.get(p.uid);
    if (keys) {
      for (const key of [...keys]) {
        if (this.spent(1 + this.removeMatch(key))) yield;
      }
    }
    const pool = p.data.numbers;
    for (let i = p.shinglesFrom; i < p.shinglesTo; i++) {
      const s = pool[i];
      leaving(s, p);
      const v = this.postings.get(s)!;
      let units = 2;
      if (v >= 0) {
        this.postings.delete(s);
        this.longPostings.delete(s);
        if (this.spent(units)) yield;
        continue;
      }
      const store = this.postingStore;
      const id = -1 - v;
      if (store.sorted(id)) store.removeAt(id, this.positionIn(id, p));
      else if (store.markDead(id, p.uid) * 2 > store.length(id)) {
        units += store.length(id);
        store.compact(id);
      }
      // One passage left: its number stands for the posting (at most two entries here: an
      // unsorted posting holds at most as many dead as live).
      if (store.live(id) === 1) {
        store.compact(id);
        this.postings.set(s, store.at(id, 0));
        store.release(id);
      }
      if (this.spent(units)) yield;
    }
  }

  /** Puts `p` in the postings of its shingles, in steps; `arriving(s, p)` is told each shingle before. */
  private *postSteps(p: IndexedPassage, arriving: (s: number, p: IndexedPassage) => void): Steps<void> {
    p.posted = true;
    const pool = p.data.numbers;
    for (let i = p.shinglesFrom; i < p.shinglesTo; i++) {
      const s = pool[i];
      arriving(s, p);
      this.insertPosting(s, p);
      if (this.spent(2)) yield;
    }
  }

  /** Takes the passages numbered `leaving` out of the copy list of `key`, in one pass, keeping the others in order. */
  private releaseCopies(key: number, leaving: ReadonlySet<number>): void {
    const copies = this.copiesOf(key);
    if (copies === undefined) return;
    if (typeof copies === 'number') {
      if (leaving.has(copies)) this.copies.delete(key);
      return;
    }
    const kept = copies.filter((uid) => !leaving.has(uid));
    if (kept.length > 1) this.copyLists.set(key, kept);
    else {
      this.copyLists.delete(key);
      if (kept.length === 0) this.copies.delete(key);
      else this.copies.set(key, kept[0]);
    }
  }

  /** Frees the passage's number and slot (its copy list is handled by the caller). */
  private forget(p: IndexedPassage): void {
    const recent = this.recentWords.get(p.uid);
    if (recent) {
      this.recentWords.delete(p.uid);
      this.recentWordCount -= recent.words.length;
    }
    this.passages[p.uid] = undefined as unknown as IndexedPassage;
    this.freeUids.push(p.uid);
    this.passageCount--;
  }

  /**
   * A fresh object for passage `p` (same number), in its place everywhere: it is put back in the
   * postings, or left out, as a passage of its own (an unsorted posting may still hold the number
   * as a dead entry).
   */
  private replaced(p: IndexedPassage): IndexedPassage {
    const fresh = p.copy();
    this.passages[p.uid] = fresh;
    this.docs.get(p.docId)!.passages[p.seq] = fresh;
    return fresh;
  }

  /** The numbers of the passages of copy key `key`: one number when the passage has no copy. */
  private copiesOf(key: number): number[] | number | undefined {
    const v = this.copies.get(key);
    return v === -1 ? this.copyLists.get(key)! : v;
  }

  private insertPosting(s: number, p: IndexedPassage): void {
    const v = this.postings.get(s);
    if (v === undefined) {
      this.postings.set(s, p.uid);
      return;
    }
    const store = this.postingStore;
    if (v >= 0) {
      this.postings.set(s, -1 - store.create(before(this.passages[v], p) ? [v, p.uid] : [p.uid, v]));
      return;
    }
    const id = -1 - v;
    if (store.sorted(id) && store.length(id) < this.common) store.insertAt(id, this.positionIn(id, p), p.uid);
    else {
      store.push(id, p.uid);
      store.unsort(id);
    }
  }

  /** Where `p` is (or would go) in sorted posting `id` (see positionOf). */
  private positionIn(id: number, p: IndexedPassage): number {
    this.probe = p;
    return this.postingStore.lowerBound(id, this.beforeProbe);
  }

  /** The passage `positionIn` looks for, read by `beforeProbe` (one function for every search, not a closure each). */
  private probe: IndexedPassage | null = null;
  private readonly beforeProbe = (uid: number): boolean => before(this.passages[uid], this.probe!);

  /** Passages holding shingle `s`. */
  private lengthOf(s: number): number {
    const v = this.postings.get(s);
    if (v === undefined) return 0;
    return v >= 0 ? 1 : this.postingStore.live(-1 - v);
  }

  /**
   * The numbers of the passages holding `s`, in corpus order (sorted now if only appended to): a
   * view, valid until that posting changes (see PostingStore).
   */
  private ordered(s: number): Int32Array {
    const v = this.postings.get(s);
    if (v === undefined) return EMPTY;
    if (v >= 0) return Int32Array.of(v);
    const id = -1 - v;
    if (!this.postingStore.sorted(id)) this.postingStore.sort(id, this.corpusOrder);
    return this.postingStore.view(id);
  }

  /** Corpus order of two passages by number (see `before`). */
  private readonly corpusOrder = (x: number, y: number): number => {
    const a = this.passages[x];
    const b = this.passages[y];
    return before(a, b) ? -1 : before(b, a) ? 1 : 0;
  };

  /**
   * Where `p` is (or would go) among the passages numbered items[0, length), sorted by document
   * id, then position in the document.
   */
  private positionOf(items: ArrayLike<number>, length: number, p: IndexedPassage): number {
    let lo = 0;
    let hi = length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(this.passages[items[mid]], p)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private inCorpusOrder(a: IndexedPassage, b: IndexedPassage): [IndexedPassage, IndexedPassage] {
    return before(a, b) ? [a, b] : [b, a];
  }

  /**
   * Adds match `m`; `aw`, `bw`: the UTF-16 ranges of the words of its passages a and b (from
   * `offset`, 0 when not given: a passage's own words).
   */
  private addMatch(key: number, m: PassageMatch, aw: WordRanges, bw: WordRanges): void {
    this.matches.set(key, m);
    const pa = this.passages[m.a];
    const pb = this.passages[m.b];
    const ao = aw.offset ?? 0;
    const bo = bw.offset ?? 0;
    this.regions.set(key, Int32Array.of(pa.doc, aw.starts[ao + m.aFrom], aw.ends[ao + m.aTo - 1], pb.doc, bw.starts[bo + m.bFrom], bw.ends[bo + m.bTo - 1]));
    for (const uid of [m.a, m.b]) {
      let set = this.matchesOfPassage.get(uid);
      if (!set) this.matchesOfPassage.set(uid, (set = new Set()));
      set.add(key);
      const slot = this.passages[uid].doc;
      let bySlot = this.matchesOfSlot.get(slot);
      if (!bySlot) this.matchesOfSlot.set(slot, (bySlot = new Set()));
      bySlot.add(key);
    }
    this.dirty.add(key);
  }

  /** Takes match `key` out; returns the number of matches of its group marked to be grouped again. */
  private removeMatch(key: number): number {
    const m = this.matches.get(key);
    if (!m) return 0;
    this.matches.delete(key);
    this.regions.delete(key);
    for (const uid of [m.a, m.b]) {
      this.matchesOfPassage.get(uid)?.delete(key);
      if (this.matchesOfPassage.get(uid)?.size === 0) this.matchesOfPassage.delete(uid);
      const slot = this.passages[uid].doc;
      this.matchesOfSlot.get(slot)?.delete(key);
      if (this.matchesOfSlot.get(slot)?.size === 0) this.matchesOfSlot.delete(slot);
    }
    this.dirty.delete(key);
    const group = this.groupOf.get(key);
    if (group) {
      this.groupOf.delete(key);
      group.keys.delete(key);
      this.dropGroup(group);
      for (const k of group.keys) this.dirty.add(k);
      return group.keys.size;
    }
    return 0;
  }

  private dropGroup(group: Group): void {
    if (!this.groups.delete(group)) return;
    if (group.cluster && !this.addedSinceSort.delete(group.cluster)) this.droppedSinceSort.add(group.cluster);
    for (const k of group.keys) if (this.groupOf.get(k) === group) this.groupOf.delete(k);
  }

  /** Groups of matches linked through a match or through overlapping regions in one document, formed again from the dirty ones. */
  *formGroups(): Steps<void> {
    this.runLayouts.clear(); // a run given up half way may have left some (their slots may be reused since)
    const seen = new Set<number>();
    // Regions of each slot's matches sorted by start, built once per slot for this run (the index
    // does not change meanwhile): overlapping regions are found by binary search, not by scanning
    // every match of the document for every match (quadratic in a document with thousands).
    const bySlot = new Map<number, SlotRegions>();
    const regionsOf = (slot: number): SlotRegions => {
      let sr = bySlot.get(slot);
      if (sr) return sr;
      const items: { start: number; end: number; key: number }[] = [];
      let longest = 0;
      for (const key of this.matchesOfSlot.get(slot) ?? []) {
        const r = this.regions.get(key)!;
        for (let side = 0; side < 6; side += 3) {
          if (r[side] !== slot) continue;
          items.push({ start: r[side + 1], end: r[side + 2], key });
          longest = Math.max(longest, r[side + 2] - r[side + 1]);
        }
      }
      items.sort((x, y) => x.start - y.start);
      bySlot.set(slot, (sr = { starts: Int32Array.from(items, (i) => i.start), ends: Int32Array.from(items, (i) => i.end), keys: Float64Array.from(items, (i) => i.key), longest }));
      return sr;
    };
    for (const seed of this.dirty) {
      this.endStep();
      yield;
      if (seen.has(seed) || !this.matches.has(seed)) continue;
      const old = this.groupOf.get(seed);
      if (old) this.dropGroup(old);
      const keys: number[] = [];
      const queue = [seed];
      seen.add(seed);
      while (queue.length) {
        const key = queue.pop()!;
        keys.push(key);
        const g = this.groupOf.get(key);
        if (g) this.dropGroup(g);
        const r = this.regions.get(key)!;
        for (let side = 0; side < 6; side += 3) {
          const slot = r[side];
          const start = r[side + 1];
          const end = r[side + 2];
          const sr = regionsOf(slot);
          // Regions overlapping [start, end) start after start - longest and before end.
          let lo = 0;
          let hi = sr.starts.length;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (sr.starts[mid] <= start - sr.longest) lo = mid + 1;
            else hi = mid;
          }
          for (let i = lo; i < sr.starts.length && sr.starts[i] < end; i++) {
            if (this.spent(1)) yield;
            const other = sr.keys[i];
            if (seen.has(other)) continue;
            const overlap = Math.min(sr.ends[i], end) - Math.max(sr.starts[i], start);
            if (overlap > 0 && overlap / Math.min(sr.ends[i] - sr.starts[i], end - start) >= SAME_RENDERING_OVERLAP) {
              seen.add(other);
              queue.push(other);
            }
          }
        }
      }
      const group: Group = { keys: new Set(keys), cluster: this.buildGroup(keys) };
      for (const k of keys) this.groupOf.set(k, group);
      this.groups.add(group);
      if (group.cluster) this.addedSinceSort.add(group.cluster);
    }
    this.dirty.clear();
    this.runLayouts.clear();
  }

  private buildGroup(keys: number[]): StatementCluster | null {
    // The regions each match was given when it was made (addMatch): what groupRegions finds from the passages' words.
    const sides = keys.map((k): [MatchSide, MatchSide] => {
      const m = this.matches.get(k)!;
      const r = this.regions.get(k)!;
      return [
        { doc: r[0], start: r[1], end: r[2], kind: this.passages[m.a].kind },
        { doc: r[3], start: r[4], end: r[5], kind: this.passages[m.b].kind },
      ];
    });
    const statements = groupMatchSides(sides);
    if (statements.length === 0) return null;
    if (statements.length > 1) throw new Error('statement index: one group of matches gave several statements');
    const regions = statements[0].sort((x, y) => {
      const a = this.bySlot[x.doc].id;
      const b = this.bySlot[y.doc].id;
      return (a < b ? -1 : a > b ? 1 : 0) || x.start - y.start;
    });
    const cluster = buildCluster(this.bySlot, regions, (slot) => {
      let l = this.layouts.get(slot) ?? this.runLayouts.get(slot);
      if (!l) this.runLayouts.set(slot, (l = layoutOf(this.bySlot[slot].text)));
      return l;
    });
    return isStatementCluster(cluster) ? cluster : null;
  }
}

/** The regions of one document's matches, sorted by start (UTF-16), with the key of each and the longest length. */
interface SlotRegions {
  starts: Int32Array;
  ends: Int32Array;
  keys: Float64Array;
  longest: number;
}

const EMPTY = new Int32Array(0);

/**
 * A document's record whose words and ranges are found when read (see documentRecords); `last`
 * keeps those of the record read last only. The document and passages are those of when it was
 * made, and a word's id never changes, so reading it later gives the same numbers.
 */
class LazyRecord implements DocumentWordsRecord {
  readonly #last: { record: object | null; words: DocWords | null };
  readonly #find: () => DocWords;

  constructor(
    readonly id: string,
    readonly passages: IndexedPassage[],
    last: { record: object | null; words: DocWords | null },
    find: () => DocWords,
  ) {
    this.#last = last;
    this.#find = find;
  }

  #all(): DocWords {
    if (this.#last.record !== this || !this.#last.words) {
      this.#last.words = this.#find();
      this.#last.record = this;
    }
    return this.#last.words;
  }
  get words(): Int32Array {
    return this.#all().words;
  }
  get starts(): Int32Array {
    return this.#all().starts;
  }
  get ends(): Int32Array {
    return this.#all().ends;
  }
}

/** `record` with the content key stored beside it (the index file's document entry); its words are still read when needed. */
export function keyedRecord(record: DocumentWordsRecord, key: string): DocumentWordsRecord & { key: string } {
  return {
    id: record.id,
    key,
    passages: record.passages,
    get words() {
      return record.words;
    },
    get starts() {
      return record.starts;
    },
    get ends() {
      return record.ends;
    },
  };
}

/** UTF-16 ranges of words, from `offset` (0 when not given). */
interface WordRanges {
  starts: ArrayLike<number>;
  ends: ArrayLike<number>;
  offset?: number;
}

/** The passages found in a document, read one at a time: packed in a contribution, or objects in a stored record. */
interface FoundPassages {
  length: number;
  kind(i: number): PassageKind;
  start(i: number): number;
  end(i: number): number;
  labelId(i: number): string | undefined;
}

/** The passages of a contribution (its labelled spans come first, so the i-th passage, when a label, has the i-th label id). */
function foundIn(c: DocumentContribution): FoundPassages {
  const spans = c.spans;
  return {
    length: Math.floor(spans.length / 3),
    kind: (i) => PASSAGE_KINDS[spans[3 * i]],
    start: (i) => spans[3 * i + 1],
    end: (i) => spans[3 * i + 2],
    labelId: (i) => (PASSAGE_KINDS[spans[3 * i]] === 'label' ? c.labelIds[i] : undefined),
  };
}

function foundAmong(passages: ReadonlyArray<{ kind: PassageKind; start: number; end: number; labelId?: string }>): FoundPassages {
  return { length: passages.length, kind: (i) => passages[i].kind, start: (i) => passages[i].start, end: (i) => passages[i].end, labelId: (i) => passages[i].labelId };
}

/** Corpus order of passages: document id, then position in the document. */
function before(x: IndexedPassage, y: IndexedPassage): boolean {
  return x.docId < y.docId || (x.docId === y.docId && x.seq < y.seq);
}
