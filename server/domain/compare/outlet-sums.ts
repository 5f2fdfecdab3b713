import { SOURCINGS, type Sourcing } from '../types.js';
import { statisticsLabels } from '../layers.js';
import type { CorpusDocument, RenderingKind, StatementCluster } from './types.js';
import { nameKey } from './names.js';
import { coveredLength } from './outlet-stats.js';
import { classifyCue, type VerbClass } from './attribution-verbs.js';
import { monthOf, share, topVerbs, type OutletFigures, type SourcingCounts } from './outlet-figures.js';

/**
 * The outlet table kept as sums: each document's figures are computed once per version of the
 * document, each statement's renderings are tallied once per statement, and the figures of an
 * outlet (and of an outlet in one month) are the sums of those. A change subtracts the old
 * contribution and adds the new one, so the table after a label save costs O(outlets + documents
 * touched), not O(corpus). `outletTable`/`outletMonths` (outlet-figures.ts) compute the same rows
 * from scratch; tests hold the two equal.
 */

type Cls = VerbClass | 'unknown';
const SOURCING_KEYS = [...SOURCINGS, 'unset'] as const;

/** What one document adds to its outlet's figures; counts are of its statistics layer, orphans left out. */
export interface DocumentFigures {
  id: string;
  /** nameKey of the outlet. */
  key: string;
  outlet: string;
  month: string;
  chars: number;
  covered: { quote: number; claim: number; opinion: number };
  sourcing: { quote: SourcingCounts; claim: SourcingCounts; all: SourcingCounts };
  /** Attribution verbs: [verb, class, count]. */
  verbs: [string, Cls, number][];
  byClass: Record<Cls, number>;
  quotes: number;
  anonymousQuotes: number;
  /** Speaker entities credited, with the number of labels crediting each. */
  speakers: [string, number][];
  /** Ids of the labels counted (a rendering found through another layer's label is not). */
  counted: Set<string>;
}

/** One rendering counted for an outlet (and month): see `clusterTally`. */
export interface RenderingTally {
  key: string;
  month: string;
  kind: RenderingKind;
}

const emptySourcing = (): SourcingCounts => ({ named: 0, anonymous: 0, document: 0, unattributed: 0, unset: 0, n: 0 }) as SourcingCounts;

/** The figures of one document, `null` when it names no outlet (the table leaves it out). */
export function documentFigures(doc: CorpusDocument): DocumentFigures | null {
  if (!doc.outlet) return null;
  const labels = statisticsLabels(doc).filter((l) => l.anchor.state !== 'orphaned');
  const covered = (type: string) => coveredLength(labels.filter((l) => l.type === type));
  const sourcing = { quote: emptySourcing(), claim: emptySourcing(), all: emptySourcing() };
  const verbs = new Map<string, Map<Cls, number>>();
  const byClass: Record<Cls, number> = { neutral: 0, loaded: 0, descriptive: 0, unknown: 0 };
  const speakers = new Map<string, number>();
  let quotes = 0;
  let anonymousQuotes = 0;
  for (const l of labels) {
    const kind = l.type === 'direct-quote' ? 'quote' : l.type === 'reported-claim' ? 'claim' : null;
    if (!kind) continue;
    const s = l.sourcing && (SOURCINGS as readonly string[]).includes(l.sourcing) ? (l.sourcing as Sourcing) : 'unset';
    sourcing[kind][s]++;
    sourcing[kind].n++;
    sourcing.all[s]++;
    sourcing.all.n++;
    if (kind === 'quote') {
      quotes++;
      if (l.sourcing === 'anonymous') anonymousQuotes++;
    }
    const speaker = l.speakerId ?? (l.speaker ? `name:${nameKey(l.speaker)}` : null);
    if (speaker) speakers.set(speaker, (speakers.get(speaker) ?? 0) + 1);
    if (!l.cue?.trim()) continue;
    const c = classifyCue(l.cue);
    const verb = c?.verb ?? l.cue.trim().toLowerCase().split(/\s+/)[0];
    const cls: Cls = c?.cls ?? 'unknown';
    byClass[cls]++;
    const classes = verbs.get(verb) ?? new Map<Cls, number>();
    classes.set(cls, (classes.get(cls) ?? 0) + 1);
    verbs.set(verb, classes);
  }
  return {
    id: doc.id,
    key: nameKey(doc.outlet),
    outlet: doc.outlet,
    month: monthOf(doc.publishedAt),
    chars: doc.text.length,
    covered: { quote: covered('direct-quote'), claim: covered('reported-claim'), opinion: covered('opinion') },
    sourcing,
    verbs: [...verbs].flatMap(([verb, classes]) => [...classes].map(([cls, n]) => [verb, cls, n] as [string, Cls, number])),
    byClass,
    quotes,
    anonymousQuotes,
    speakers: [...speakers],
    counted: new Set(labels.map((l) => l.id)),
  };
}

/**
 * The renderings a statement adds to outlets' "rendering" figures: each non-reference rendering of a
 * document with an outlet, when the statement also has a rendering in another outlet, unless it was
 * found through a label of a layer the statistics do not count.
 */
export function clusterTally(c: StatementCluster, figuresOf: (docId: string) => DocumentFigures | undefined): RenderingTally[] {
  const keys = new Set<string>();
  for (const r of c.renderings) {
    const f = figuresOf(r.documentId);
    if (f) keys.add(f.key);
  }
  if (keys.size < 2) return [];
  const out: RenderingTally[] = [];
  for (const r of c.renderings) {
    if (r.isReference) continue;
    const f = figuresOf(r.documentId);
    if (!f || (r.label && !f.counted.has(r.label.id))) continue;
    out.push({ key: f.key, month: f.month, kind: r.kind });
  }
  return out;
}

interface Sums {
  key: string;
  month?: string;
  documents: number;
  chars: number;
  covered: { quote: number; claim: number; opinion: number };
  sourcing: { quote: SourcingCounts; claim: SourcingCounts; all: SourcingCounts };
  verbs: Map<string, Map<Cls, number>>;
  byClass: Record<Cls, number>;
  quotes: number;
  anonymousQuotes: number;
  speakers: Map<string, number>;
  spellings: Map<string, number>;
  kinds: Record<RenderingKind, number>;
}

const newSums = (key: string, month?: string): Sums => ({
  key,
  ...(month ? { month } : {}),
  documents: 0,
  chars: 0,
  covered: { quote: 0, claim: 0, opinion: 0 },
  sourcing: { quote: emptySourcing(), claim: emptySourcing(), all: emptySourcing() },
  verbs: new Map(),
  byClass: { neutral: 0, loaded: 0, descriptive: 0, unknown: 0 },
  quotes: 0,
  anonymousQuotes: 0,
  speakers: new Map(),
  spellings: new Map(),
  kinds: { verbatim: 0, cut: 0, altered: 0 },
});

function bump<K>(map: Map<K, number>, key: K, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n === 0) map.delete(key);
  else map.set(key, n);
}

/** Rows as last given, with the group of each, in order: see `OutletSums.list`. */
interface ShownRows {
  groups: Sums[];
  rows: OutletFigures[];
}

/**
 * Sums per outlet and per outlet and month, changed by adding and subtracting contributions. The
 * rows are kept from one call to the next: only the groups changed since are made again, and the
 * list is sorted again only when a row came or went or a group's name changed (at 100,000
 * documents, 864 month rows made and sorted by name after every label save took 10-15 ms).
 */
export class OutletSums {
  private readonly byOutlet = new Map<string, Sums>();
  private readonly byMonth = new Map<string, Sums>();
  /** Groups changed since the rows were last given (per list); `null` shown: a row came or went, made whole again. */
  private readonly changed = { outlets: new Set<Sums>(), months: new Set<Sums>() };
  private shown: { outlets: ShownRows | null; months: ShownRows | null } = { outlets: null, months: null };

  /** Adds (`sign` 1) or subtracts (-1) one document's figures. */
  document(f: DocumentFigures, sign: 1 | -1): void {
    for (const s of this.groupsOf(f.key, f.month)) {
      // A group is shown while it counts documents: one starting or ending to is a row come or gone.
      if (s.documents === 0 || s.documents + sign === 0) this.shown[s.month ? 'months' : 'outlets'] = null;
      s.documents += sign;
      s.chars += sign * f.chars;
      for (const k of ['quote', 'claim', 'opinion'] as const) s.covered[k] += sign * f.covered[k];
      for (const k of ['quote', 'claim', 'all'] as const) {
        for (const src of SOURCING_KEYS) s.sourcing[k][src] += sign * f.sourcing[k][src];
        s.sourcing[k].n += sign * f.sourcing[k].n;
      }
      for (const [verb, cls, n] of f.verbs) {
        const classes = s.verbs.get(verb) ?? new Map<Cls, number>();
        bump(classes, cls, sign * n);
        if (classes.size) s.verbs.set(verb, classes);
        else s.verbs.delete(verb);
      }
      for (const cls of Object.keys(s.byClass) as Cls[]) s.byClass[cls] += sign * f.byClass[cls];
      s.quotes += sign * f.quotes;
      s.anonymousQuotes += sign * f.anonymousQuotes;
      for (const [speaker, n] of f.speakers) bump(s.speakers, speaker, sign * n);
      bump(s.spellings, f.outlet, sign);
    }
    this.prune(f.key, f.month);
  }

  /** Adds or subtracts a statement's rendering tally. */
  renderings(tally: RenderingTally[], sign: 1 | -1): void {
    for (const t of tally) {
      for (const s of this.groupsOf(t.key, t.month)) s.kinds[t.kind] += sign;
      this.prune(t.key, t.month);
    }
  }

  /** One row per outlet, by name (as `outletTable`). */
  rows(): OutletFigures[] {
    return this.list('outlets', this.byOutlet, (a, b) => a.outlet.localeCompare(b.outlet));
  }

  /** One row per outlet and month, `undated` last (as `outletMonths`). */
  months(): OutletFigures[] {
    return this.list('months', this.byMonth, (a, b) => a.outlet.localeCompare(b.outlet) || (a.month === 'undated' ? 1 : b.month === 'undated' ? -1 : a.month!.localeCompare(b.month!)));
  }

  /**
   * The rows of the groups that count documents, in `order`: those last given with the changed
   * groups' rows made again, sorted again only when a row came or went or a changed row's name differs.
   */
  private list(which: 'outlets' | 'months', groups: Map<string, Sums>, order: (a: OutletFigures, b: OutletFigures) => number): OutletFigures[] {
    const changed = this.changed[which];
    const shown = this.shown[which];
    let next: ShownRows;
    if (!shown) {
      const made = [...groups.values()].filter((s) => s.documents > 0).map((s) => ({ group: s, row: figures(s) }));
      made.sort((a, b) => order(a.row, b.row));
      next = { groups: made.map((m) => m.group), rows: made.map((m) => m.row) };
    } else if (changed.size === 0) {
      return shown.rows;
    } else {
      next = { groups: shown.groups, rows: shown.rows.slice() };
      let renamed = false;
      for (let i = 0; i < next.groups.length; i++) {
        if (!changed.has(next.groups[i])) continue;
        const row = figures(next.groups[i]);
        if (row.outlet !== next.rows[i].outlet) renamed = true;
        next.rows[i] = row;
      }
      if (renamed) {
        const made = next.groups.map((group, i) => ({ group, row: next.rows[i] })).sort((a, b) => order(a.row, b.row));
        next = { groups: made.map((m) => m.group), rows: made.map((m) => m.row) };
      }
    }
    changed.clear();
    this.shown[which] = next;
    return next.rows;
  }

  private groupsOf(key: string, month: string): Sums[] {
    let o = this.byOutlet.get(key);
    if (!o) this.byOutlet.set(key, (o = newSums(key)));
    const mk = `${key}\u0000${month}`;
    let m = this.byMonth.get(mk);
    if (!m) this.byMonth.set(mk, (m = newSums(key, month)));
    this.changed.outlets.add(o);
    this.changed.months.add(m);
    return [o, m];
  }

  /** Drops a group once nothing is counted in it (a statement's tally may be subtracted after its documents). */
  private prune(key: string, month: string): void {
    const empty = (s: Sums | undefined) => s && s.documents === 0 && s.kinds.verbatim === 0 && s.kinds.cut === 0 && s.kinds.altered === 0;
    if (empty(this.byOutlet.get(key))) this.byOutlet.delete(key);
    if (empty(this.byMonth.get(`${key}\u0000${month}`))) this.byMonth.delete(`${key}\u0000${month}`);
  }
}

/** The spelling most documents of the group use; ties by name. */
function displayName(spellings: Map<string, number>): string {
  return [...spellings].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
}

function figures(s: Sums): OutletFigures {
  const renderN = s.kinds.verbatim + s.kinds.cut + s.kinds.altered;
  const known = s.byClass.neutral + s.byClass.loaded + s.byClass.descriptive;
  return {
    // A month row is named as in the document group of that month, like outletMonths does.
    outlet: displayName(s.spellings),
    ...(s.month ? { month: s.month } : {}),
    documents: s.documents,
    chars: s.chars,
    text: { quote: share(s.covered.quote, s.chars), claim: share(s.covered.claim, s.chars), opinion: share(s.covered.opinion, s.chars) },
    sourcing: { quote: { ...s.sourcing.quote }, claim: { ...s.sourcing.claim }, all: { ...s.sourcing.all } },
    rendering: { ...s.kinds, n: renderN, changed: share(s.kinds.cut + s.kinds.altered, renderN) },
    verbs: { neutral: s.byClass.neutral, loaded: share(s.byClass.loaded, known), descriptive: s.byClass.descriptive, unknown: s.byClass.unknown, top: topVerbs(s.verbs) },
    anonymousQuotes: share(s.anonymousQuotes, s.quotes),
    speakers: s.speakers.size,
  };
}
