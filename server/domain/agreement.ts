import type { Label } from './types.js';
import { GOLD, layerOf } from './layers.js';

/**
 * Inter-annotator agreement (annotator layers only; gold is left out). Offsets are UTF-16 code
 * units into the latest text; orphaned labels are left out. Tokens are runs of non-space characters.
 *
 * - exact F1 (pairwise): a label of one annotator matches one of the other with the same type, start
 *   and end (one-to-one); F1 = 2·matched / (labels of A + labels of B).
 * - overlap F1 (pairwise): same, but same type and the spans share at least half of the longer one.
 * - Cohen's kappa (pairwise, over tokens): each token's category for an annotator is the type of the
 *   shortest of their labels covering it, or "none"; κ = (pₒ − pₑ) / (1 − pₑ).
 * - Krippendorff's alpha (nominal, any number of annotators, over tokens): the same categories; an
 *   annotator who neither labelled nor was assigned a document is missing data there;
 *   α = 1 − (n − 1)·Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k over the coincidence matrix (units with at least
 *   two values; Krippendorff 2011, "Computing Krippendorff's alpha-reliability").
 * Figures are rounded to 3 decimals; `null` where undefined (no variation at all).
 */

/** Most annotators compared on one document: a document with more is left out and listed (cost grows with their square). */
export const MAX_AGREEMENT_ANNOTATORS = 20;

type Span = Pick<Label, 'type' | 'start' | 'end' | 'annotator' | 'anchor'> & { layer?: string };

export interface AgreementDocument {
  id: string;
  text: string;
  labels: Span[];
  /** Annotators who took part even without labels (assigned); others are missing data. */
  assigned?: string[];
}

/** Sufficient statistics of one pair on one document (summed over documents for the corpus). */
interface PairCounts {
  na: number;
  nb: number;
  exact: number;
  overlap: number;
  /** `catA\u0000catB` → tokens */
  confusion: Map<string, number>;
}

/** Krippendorff's alpha sums: n pairable values, A agreeing mass, per-category totals. */
interface AlphaCounts {
  n: number;
  agree: number;
  byCategory: Map<string, number>;
}

/** Everything agreement needs from one document: computed once per document version. */
export interface DocumentStats {
  id: string;
  annotators: string[];
  types: string[];
  pairs: Map<string, PairCounts>;
  perTypePairs: Map<string, Map<string, PairCounts>>;
  alpha: AlphaCounts;
  perTypeAlpha: Map<string, AlphaCounts>;
  tooMany: boolean;
}

export interface PairFigures {
  annotators: [string, string];
  documents: number;
  labels: [number, number];
  exactF1: number;
  overlapF1: number;
  kappa: number | null;
}

export interface Figures {
  pairs: PairFigures[];
  alpha: number | null;
}

const SEP = '\u0000';

function live(labels: Span[], annotator: string): Span[] {
  return labels.filter((l) => layerOf(l) === annotator && l.anchor.state !== 'orphaned');
}

/** Greedy one-to-one matching of same-type spans under `same`, indexed by type. */
function matches(a: Span[], b: Span[], same: (x: Span, y: Span) => boolean): number {
  const byType = new Map<string, Span[]>();
  for (const y of b) byType.set(y.type, [...(byType.get(y.type) ?? []), y]);
  const used = new Set<Span>();
  let n = 0;
  for (const x of a) {
    const y = (byType.get(x.type) ?? []).find((c) => !used.has(c) && same(x, c));
    if (y) {
      used.add(y);
      n++;
    }
  }
  return n;
}

function overlapRatio(a: Span, b: Span): number {
  const o = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  return o <= 0 ? 0 : o / Math.max(a.end - a.start, b.end - b.start);
}

/** Each token's category for one annotator, in one pass over tokens and labels sorted by start. */
function categories(tokens: number[], labels: Span[]): string[] {
  const out: string[] = new Array(tokens.length).fill('none');
  const best: number[] = new Array(tokens.length).fill(Infinity);
  for (const l of labels) {
    let i = lowerBound(tokens, l.start);
    for (; i < tokens.length && tokens[i] < l.end; i++) {
      const len = l.end - l.start;
      if (len < best[i]) {
        best[i] = len;
        out[i] = l.type;
      }
    }
  }
  return out;
}

function lowerBound(sorted: number[], x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function emptyAlpha(): AlphaCounts {
  return { n: 0, agree: 0, byCategory: new Map() };
}

/** Adds one unit (the values the coders gave it; missing ones left out) to the alpha sums. */
function addUnit(sums: AlphaCounts, values: string[]): void {
  const m = values.length;
  if (m < 2) return;
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  sums.n += m;
  for (const [v, c] of counts) {
    sums.agree += (c * (c - 1)) / (m - 1);
    sums.byCategory.set(v, (sums.byCategory.get(v) ?? 0) + c);
  }
}

/** Krippendorff's alpha (nominal) from its sums; null when there is no variation to measure. */
function alphaOf(sums: AlphaCounts): number | null {
  const { n } = sums;
  if (n < 2) return null;
  let squares = 0;
  for (const c of sums.byCategory.values()) squares += c * c;
  const expected = n * n - squares;
  if (expected === 0) return null;
  return round(1 - ((n - 1) * (n - sums.agree)) / expected);
}

/** Krippendorff's alpha (nominal) for a reliability table: `units[u]` holds each coder's value or null (missing). */
export function krippendorffAlpha(units: (string | null)[][]): number | null {
  const sums = emptyAlpha();
  for (const u of units) addUnit(sums, u.filter((v): v is string => v !== null));
  return alphaOf(sums);
}

function pairCounts(la: Span[], lb: Span[], ca: readonly string[], cb: readonly string[]): PairCounts {
  const confusion = new Map<string, number>();
  for (let i = 0; i < ca.length; i++) {
    const k = ca[i] + SEP + cb[i];
    confusion.set(k, (confusion.get(k) ?? 0) + 1);
  }
  return { na: la.length, nb: lb.length, exact: matches(la, lb, (x, y) => x.start === y.start && x.end === y.end), overlap: matches(la, lb, (x, y) => overlapRatio(x, y) >= 0.5), confusion };
}

/** The statistics of one document (cache them per document version). */
export function documentStats(doc: AgreementDocument): DocumentStats {
  const annotatorLabels = doc.labels.filter((l) => layerOf(l) !== GOLD);
  const annotators = [...new Set([...annotatorLabels.map((l) => layerOf(l)), ...(doc.assigned ?? [])])].sort();
  const types = [...new Set(annotatorLabels.map((l) => l.type))].sort();
  const stats: DocumentStats = { id: doc.id, annotators, types, pairs: new Map(), perTypePairs: new Map(), alpha: emptyAlpha(), perTypeAlpha: new Map(), tooMany: annotators.length > MAX_AGREEMENT_ANNOTATORS };
  if (stats.tooMany || annotators.length < 2) return stats;
  const tokens = [...doc.text.matchAll(/\S+/g)].map((m) => m.index!);
  const spans = new Map(annotators.map((a) => [a, live(annotatorLabels, a).sort((x, y) => x.start - y.start)]));
  const cats = new Map(annotators.map((a) => [a, categories(tokens, spans.get(a)!)]));
  for (let i = 0; i < annotators.length; i++) {
    for (let j = i + 1; j < annotators.length; j++) {
      const [a, b] = [annotators[i], annotators[j]];
      const all = pairCounts(spans.get(a)!, spans.get(b)!, cats.get(a)!, cats.get(b)!);
      stats.pairs.set(a + SEP + b, all);
      for (const type of types) {
        const ta = spans.get(a)!.filter((l) => l.type === type);
        const tb = spans.get(b)!.filter((l) => l.type === type);
        // This type against everything else: the full confusion table collapsed, no second pass over tokens.
        const confusion = new Map<string, number>();
        for (const [k, v] of all.confusion) {
          const [x, y] = k.split(SEP).map((c) => (c === type ? type : 'other'));
          confusion.set(x + SEP + y, (confusion.get(x + SEP + y) ?? 0) + v);
        }
        if (!stats.perTypePairs.has(type)) stats.perTypePairs.set(type, new Map());
        stats.perTypePairs.get(type)!.set(a + SEP + b, { na: ta.length, nb: tb.length, exact: matches(ta, tb, (x, y) => x.start === y.start && x.end === y.end), overlap: matches(ta, tb, (x, y) => overlapRatio(x, y) >= 0.5), confusion });
      }
    }
  }
  const columns = annotators.map((a) => cats.get(a)!);
  for (const type of types) stats.perTypeAlpha.set(type, emptyAlpha());
  for (let t = 0; t < tokens.length; t++) {
    const values = columns.map((c) => c[t]);
    addUnit(stats.alpha, values);
    for (const type of types) addUnit(stats.perTypeAlpha.get(type)!, values.map((v) => (v === type ? type : 'other')));
  }
  return stats;
}

function mergePairs(into: Map<string, PairCounts & { documents: number }>, from: Map<string, PairCounts>): void {
  for (const [key, c] of from) {
    const acc = into.get(key) ?? { na: 0, nb: 0, exact: 0, overlap: 0, confusion: new Map(), documents: 0 };
    acc.na += c.na;
    acc.nb += c.nb;
    acc.exact += c.exact;
    acc.overlap += c.overlap;
    acc.documents++;
    for (const [k, v] of c.confusion) acc.confusion.set(k, (acc.confusion.get(k) ?? 0) + v);
    into.set(key, acc);
  }
}

function mergeAlpha(into: AlphaCounts, from: AlphaCounts): void {
  into.n += from.n;
  into.agree += from.agree;
  for (const [k, v] of from.byCategory) into.byCategory.set(k, (into.byCategory.get(k) ?? 0) + v);
}

function pairFigures(pairs: Map<string, PairCounts & { documents: number }>): PairFigures[] {
  return [...pairs].map(([key, c]) => {
    const [a, b] = key.split(SEP) as [string, string];
    return { annotators: [a, b], documents: c.documents, labels: [c.na, c.nb], exactF1: f1(c.exact, c.na, c.nb), overlapF1: f1(c.overlap, c.na, c.nb), kappa: kappaOf(c.confusion) };
  });
}

/** Figures over several documents' statistics: pairs, alpha, and the same per label type. */
export function combine(stats: DocumentStats[]): Figures & { types: ({ type: string } & Figures)[] } {
  const pairs = new Map<string, PairCounts & { documents: number }>();
  const alpha = emptyAlpha();
  const typePairs = new Map<string, Map<string, PairCounts & { documents: number }>>();
  const typeAlpha = new Map<string, AlphaCounts>();
  for (const s of stats) {
    mergePairs(pairs, s.pairs);
    mergeAlpha(alpha, s.alpha);
    for (const [type, p] of s.perTypePairs) {
      if (!typePairs.has(type)) typePairs.set(type, new Map());
      mergePairs(typePairs.get(type)!, p);
    }
    for (const [type, a] of s.perTypeAlpha) {
      if (!typeAlpha.has(type)) typeAlpha.set(type, emptyAlpha());
      mergeAlpha(typeAlpha.get(type)!, a);
    }
  }
  const types = [...typePairs.keys()].sort().map((type) => ({ type, pairs: pairFigures(typePairs.get(type)!), alpha: alphaOf(typeAlpha.get(type)!) }));
  return { pairs: pairFigures(pairs).sort((x, y) => x.annotators.join(SEP).localeCompare(y.annotators.join(SEP))), alpha: alphaOf(alpha), types };
}

/** Pairwise figures over documents (kept for callers of the first version). */
export function agreement(docs: Omit<AgreementDocument, 'id'>[]): PairFigures[] {
  return combine(docs.map((d, i) => documentStats({ ...d, id: String(i) }))).pairs;
}

function f1(matched: number, na: number, nb: number): number {
  return na + nb === 0 ? 1 : round((2 * matched) / (na + nb));
}

function kappaOf(confusion: Map<string, number>): number | null {
  let n = 0, observed = 0;
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  for (const [k, v] of confusion) {
    const [x, y] = k.split(SEP);
    n += v;
    if (x === y) observed += v;
    ca.set(x, (ca.get(x) ?? 0) + v);
    cb.set(y, (cb.get(y) ?? 0) + v);
  }
  if (n === 0) return null;
  let expected = 0;
  for (const [k, v] of ca) expected += (v / n) * ((cb.get(k) ?? 0) / n);
  if (expected === 1) return null;
  return round((observed / n - expected) / (1 - expected));
}

/** Cohen's kappa of two equally long category sequences; `null` when chance agreement is total. */
export function cohenKappa(a: string[], b: string[]): number | null {
  if (a.length === 0 || a.length !== b.length) return null;
  const confusion = new Map<string, number>();
  for (let i = 0; i < a.length; i++) confusion.set(a[i] + SEP + b[i], (confusion.get(a[i] + SEP + b[i]) ?? 0) + 1);
  return kappaOf(confusion);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
