import type { Label } from '../types.js';
import { SOURCINGS, type Sourcing } from '../types.js';
import { statisticsLabels } from '../layers.js';
import type { CorpusDocument, StatementCluster } from './types.js';
import { nameKey } from './names.js';
import { coveredLength } from './outlet-stats.js';
import { classifyCue, type VerbClass } from './attribution-verbs.js';

/** A share with what it is counted from: `count` of `n`; `share` is `null` when `n` is 0. */
export interface Share {
  count: number;
  n: number;
  share: number | null;
}

export type SourcingCounts = Record<Sourcing | 'unset', number> & { n: number };

/** The figures of one outlet (or one outlet in one month) in the outlet table. */
export interface OutletFigures {
  outlet: string;
  /** `YYYY-MM`, `undated`, or absent for the whole period. */
  month?: string;
  documents: number;
  /** Characters of the outlet's latest texts, UTF-16 code units: the n of the text shares. */
  chars: number;
  /** Share of the text covered by labels of each built-in type (overlaps inside one type counted once). */
  text: { quote: Share; claim: Share; opinion: Share };
  /** Sourcing of attributed statements: direct quotes, reported claims, and both together. */
  sourcing: { quote: SourcingCounts; claim: SourcingCounts; all: SourcingCounts };
  /** Of the outlet's renderings of statements shared with another outlet: how each compares to the reference. */
  rendering: { verbatim: number; cut: number; altered: number; n: number; changed: Share };
  /** Attribution verbs of quotes and claims; `loaded` is the share of loaded verbs among verbs in the lexicon. */
  verbs: { neutral: number; loaded: Share; descriptive: number; unknown: number; top: { verb: string; cls: VerbClass | 'unknown'; count: number }[] };
  /** Direct quotes credited to an anonymous source, of all direct quotes. */
  anonymousQuotes: Share;
  /** Distinct speaker entities credited by the outlet's quotes and claims (merging two speakers lowers it). */
  speakers: number;
}

const QUOTE = 'direct-quote';
const CLAIM = 'reported-claim';
const OPINION = 'opinion';

export const share = (count: number, n: number): Share => ({ count, n, share: n === 0 ? null : count / n });

function sourcingOf(labels: Label[]): SourcingCounts {
  const out = { named: 0, anonymous: 0, document: 0, unattributed: 0, unset: 0, n: labels.length } as SourcingCounts;
  for (const l of labels) out[l.sourcing && (SOURCINGS as readonly string[]).includes(l.sourcing) ? l.sourcing : 'unset']++;
  return out;
}

/** The month of a `YYYY-MM-DD` date, or `undated`. */
export function monthOf(date: string | undefined): string {
  return date && /^\d{4}-\d{2}/.test(date) ? date.slice(0, 7) : 'undated';
}

/**
 * Figures of a group of documents of one outlet. Labels counted are each document's statistics
 * layer (gold, else one annotator's: see domain/layers.ts), orphaned labels left out.
 */
export function figuresOf(outlet: string, docs: CorpusDocument[], clusters: StatementCluster[], outletKeyOf: Map<string, string>, month?: string): OutletFigures {
  const labelsOf = new Map(docs.map((d) => [d.id, statisticsLabels(d).filter((l) => l.anchor.state !== 'orphaned')]));
  const all = docs.flatMap((d) => labelsOf.get(d.id)!);
  const chars = docs.reduce((n, d) => n + d.text.length, 0);
  const covered = (type: string) => docs.reduce((n, d) => n + coveredLength(labelsOf.get(d.id)!.filter((l) => l.type === type)), 0);
  const quotes = all.filter((l) => l.type === QUOTE);
  const claims = all.filter((l) => l.type === CLAIM);
  const attributed = [...quotes, ...claims];

  const counted = new Set(all.map((l) => l.id));
  const ownIds = new Set(docs.map((d) => d.id));
  const myKey = nameKey(outlet);
  const kinds = { verbatim: 0, cut: 0, altered: 0 };
  for (const c of clusters) {
    if (!c.renderings.some((r) => outletKeyOf.get(r.documentId) !== undefined && outletKeyOf.get(r.documentId) !== myKey)) continue;
    for (const r of c.renderings) {
      if (!ownIds.has(r.documentId) || r.isReference) continue;
      // A rendering found through another annotator's label is that annotator's view: the layer counted is the statistics one.
      if (r.label && !counted.has(r.label.id)) continue;
      kinds[r.kind]++;
    }
  }
  const renderN = kinds.verbatim + kinds.cut + kinds.altered;

  const verbCounts = new Map<string, Map<VerbClass | 'unknown', number>>();
  const byClass = { neutral: 0, loaded: 0, descriptive: 0, unknown: 0 };
  for (const l of attributed) {
    if (!l.cue?.trim()) continue;
    const c = classifyCue(l.cue);
    const verb = c?.verb ?? l.cue.trim().toLowerCase().split(/\s+/)[0];
    const cls = c?.cls ?? 'unknown';
    byClass[cls]++;
    const classes = verbCounts.get(verb) ?? new Map<VerbClass | 'unknown', number>();
    classes.set(cls, (classes.get(cls) ?? 0) + 1);
    verbCounts.set(verb, classes);
  }
  const known = byClass.neutral + byClass.loaded + byClass.descriptive;

  return {
    outlet,
    ...(month ? { month } : {}),
    documents: docs.length,
    chars,
    text: { quote: share(covered(QUOTE), chars), claim: share(covered(CLAIM), chars), opinion: share(covered(OPINION), chars) },
    sourcing: { quote: sourcingOf(quotes), claim: sourcingOf(claims), all: sourcingOf(attributed) },
    rendering: { ...kinds, n: renderN, changed: share(kinds.cut + kinds.altered, renderN) },
    verbs: {
      neutral: byClass.neutral,
      loaded: share(byClass.loaded, known),
      descriptive: byClass.descriptive,
      unknown: byClass.unknown,
      top: topVerbs(verbCounts),
    },
    anonymousQuotes: share(quotes.filter((l) => l.sourcing === 'anonymous').length, quotes.length),
    speakers: new Set(attributed.map((l) => l.speakerId ?? (l.speaker ? `name:${nameKey(l.speaker)}` : null)).filter(Boolean)).size,
  };
}

/**
 * The eight most used attribution verbs with their counts. A verb's class is the one most of its
 * uses have (a cue the lexicon does not know, "said nothing", leaves "said" unknown), ties going to a
 * class of the lexicon, then by name; so the result does not depend on the order labels are read in.
 */
export function topVerbs(verbs: Map<string, Map<VerbClass | 'unknown', number>>): { verb: string; cls: VerbClass | 'unknown'; count: number }[] {
  return [...verbs]
    .map(([verb, classes]) => {
      const ranked = [...classes].sort((a, b) => b[1] - a[1] || (a[0] === 'unknown' ? 1 : 0) - (b[0] === 'unknown' ? 1 : 0) || a[0].localeCompare(b[0]));
      return { verb, cls: ranked[0][0], count: ranked.reduce((n, [, k]) => n + k, 0) };
    })
    .sort((a, b) => b.count - a.count || a.verb.localeCompare(b.verb))
    .slice(0, 8);
}

/** One row per outlet (documents without an outlet are left out), by outlet name. */
export function outletTable(docs: CorpusDocument[], clusters: StatementCluster[]): OutletFigures[] {
  const groups = groupBy(docs.filter((d) => d.outlet), (d) => nameKey(d.outlet!));
  const keyOf = outletKeys(docs);
  return [...groups.values()].map((g) => figuresOf(displayName(g), g, clusters, keyOf)).sort((a, b) => a.outlet.localeCompare(b.outlet));
}

/** One row per outlet and month of `publishedAt` (`undated` last), by outlet then month. */
export function outletMonths(docs: CorpusDocument[], clusters: StatementCluster[]): OutletFigures[] {
  const keyOf = outletKeys(docs);
  const groups = groupBy(docs.filter((d) => d.outlet), (d) => `${nameKey(d.outlet!)}\u0000${monthOf(d.publishedAt)}`);
  return [...groups.values()]
    .map((g) => figuresOf(displayName(g), g, clusters, keyOf, monthOf(g[0].publishedAt)))
    .sort((a, b) => a.outlet.localeCompare(b.outlet) || (a.month === 'undated' ? 1 : b.month === 'undated' ? -1 : a.month!.localeCompare(b.month!)));
}

function outletKeys(docs: CorpusDocument[]): Map<string, string> {
  return new Map(docs.filter((d) => d.outlet).map((d) => [d.id, nameKey(d.outlet!)]));
}

function displayName(group: CorpusDocument[]): string {
  const counts = new Map<string, number>();
  for (const d of group) counts.set(d.outlet!, (counts.get(d.outlet!) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) out.set(key(t), [...(out.get(key(t)) ?? []), t]);
  return out;
}
