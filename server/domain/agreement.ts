import type { Label } from './types.js';

/**
 * Inter-annotator agreement. Two annotators are compared on the documents they both labelled.
 * - exact F1: a label of one matches a label of the other with the same type, start and end;
 * - overlap F1: same type and the spans share at least half of the longer one;
 * - Cohen's kappa over word tokens: each token's category is the type of the shortest label of
 *   that annotator covering it, or "none".
 * Offsets are UTF-16 code units into the latest text; orphaned labels are left out.
 */
export interface PairAgreement {
  annotators: [string, string];
  documents: number;
  labels: [number, number];
  exactF1: number;
  overlapF1: number;
  kappa: number | null;
}

type Span = Pick<Label, 'type' | 'start' | 'end' | 'annotator' | 'anchor'>;

export interface AgreementInput {
  text: string;
  labels: Span[];
}

export function agreement(docs: AgreementInput[]): PairAgreement[] {
  const annotators = [...new Set(docs.flatMap((d) => d.labels.map((l) => l.annotator)))].sort();
  const out: PairAgreement[] = [];
  for (let i = 0; i < annotators.length; i++) {
    for (let j = i + 1; j < annotators.length; j++) {
      const [a, b] = [annotators[i], annotators[j]];
      const shared = docs.filter((d) => d.labels.some((l) => l.annotator === a) && d.labels.some((l) => l.annotator === b));
      if (shared.length === 0) continue;
      let exact = 0, overlap = 0, na = 0, nb = 0;
      const tokensA: string[] = [];
      const tokensB: string[] = [];
      for (const d of shared) {
        const la = live(d.labels, a);
        const lb = live(d.labels, b);
        na += la.length;
        nb += lb.length;
        exact += matches(la, lb, (x, y) => x.start === y.start && x.end === y.end);
        overlap += matches(la, lb, (x, y) => overlapRatio(x, y) >= 0.5);
        for (const tok of d.text.matchAll(/\S+/g)) {
          tokensA.push(categoryAt(la, tok.index!));
          tokensB.push(categoryAt(lb, tok.index!));
        }
      }
      out.push({ annotators: [a, b], documents: shared.length, labels: [na, nb], exactF1: f1(exact, na, nb), overlapF1: f1(overlap, na, nb), kappa: cohenKappa(tokensA, tokensB) });
    }
  }
  return out;
}

function live(labels: Span[], annotator: string): Span[] {
  return labels.filter((l) => l.annotator === annotator && l.anchor.state !== 'orphaned');
}

/** Greedy one-to-one matching of same-type spans under `same`. */
function matches(a: Span[], b: Span[], same: (x: Span, y: Span) => boolean): number {
  const used = new Set<number>();
  let n = 0;
  for (const x of a) {
    const k = b.findIndex((y, i) => !used.has(i) && y.type === x.type && same(x, y));
    if (k !== -1) {
      used.add(k);
      n++;
    }
  }
  return n;
}

function overlapRatio(a: Span, b: Span): number {
  const o = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  return o <= 0 ? 0 : o / Math.max(a.end - a.start, b.end - b.start);
}

function categoryAt(labels: Span[], offset: number): string {
  const covering = labels.filter((l) => l.start <= offset && offset < l.end).sort((x, y) => x.end - x.start - (y.end - y.start));
  return covering[0]?.type ?? 'none';
}

function f1(matched: number, na: number, nb: number): number {
  return na + nb === 0 ? 1 : round((2 * matched) / (na + nb));
}

/** Cohen's kappa of two equally long category sequences; `null` when chance agreement is total. */
export function cohenKappa(a: string[], b: string[]): number | null {
  if (a.length === 0 || a.length !== b.length) return null;
  const n = a.length;
  let observed = 0;
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) observed++;
    ca.set(a[i], (ca.get(a[i]) ?? 0) + 1);
    cb.set(b[i], (cb.get(b[i]) ?? 0) + 1);
  }
  let expected = 0;
  for (const [k, v] of ca) expected += (v / n) * ((cb.get(k) ?? 0) / n);
  if (expected === 1) return null;
  return round((observed / n - expected) / (1 - expected));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
