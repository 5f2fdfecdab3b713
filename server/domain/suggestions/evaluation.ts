import type { Span, Suggestion } from './types.js';

/**
 * Scores suggestions against gold labels (tests/fixtures/attribution/GUIDELINE.md): precision and
 * recall per type, counted on overlap (a suggestion is right when it shares a character with a
 * gold span of its type) and on exact offsets; speaker and sourcing accuracy on the gold quotes
 * and claims that were found.
 */
export interface GoldLabel extends Span { type: string; text: string; speaker?: string; sourcing?: string }

export interface Counts { suggested: number; gold: number; tpOverlapSuggested: number; tpOverlapGold: number; tpExact: number }
export interface Scores {
  byType: Record<string, Counts>;
  speaker: { right: number; of: number };
  sourcing: { right: number; of: number };
  anonymous: { right: number; of: number };
}

export const TYPES = ['direct-quote', 'reported-claim', 'opinion'] as const;

export function emptyScores(): Scores {
  return {
    byType: Object.fromEntries(TYPES.map((t) => [t, { suggested: 0, gold: 0, tpOverlapSuggested: 0, tpOverlapGold: 0, tpExact: 0 }])),
    speaker: { right: 0, of: 0 }, sourcing: { right: 0, of: 0 }, anonymous: { right: 0, of: 0 },
  };
}

const overlap = (a: Span, b: Span) => Math.min(a.end, b.end) - Math.max(a.start, b.start);
const STOP = new Set(['the', 'a', 'an', 'of', 'for', 'to', 'at', 'with', 'and', 'in', 'on', 'by', 'who', 'his', 'her', 'its', 'their']);
const words = (s: string) => new Set(s.toLowerCase().replace(/['’]s\b/g, '').split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1 && !STOP.has(w)));

/** A suggested speaker is right when it shares a word (a surname, a head noun) with the gold one. */
export function sameSpeaker(suggested: string | undefined, gold: string): boolean {
  if (!suggested) return false;
  const g = words(gold);
  return [...words(suggested)].some((w) => g.has(w));
}

export function score(into: Scores, gold: GoldLabel[], suggestions: Suggestion[]): Scores {
  for (const type of TYPES) {
    const g = gold.filter((l) => l.type === type);
    const s = suggestions.filter((l) => l.type === type);
    const c = into.byType[type];
    c.gold += g.length;
    c.suggested += s.length;
    c.tpOverlapSuggested += s.filter((x) => g.some((y) => overlap(x, y) > 0)).length;
    c.tpOverlapGold += g.filter((y) => s.some((x) => overlap(x, y) > 0)).length;
    c.tpExact += s.filter((x) => g.some((y) => y.start === x.start && y.end === x.end)).length;
    if (type === 'opinion') continue;
    for (const y of g) {
      let best: Suggestion | undefined;
      for (const x of s) if (overlap(x, y) > 0 && (!best || overlap(x, y) > overlap(best, y))) best = x;
      if (!best) continue;
      if (y.speaker) {
        into.speaker.of++;
        if (sameSpeaker(best.speaker, y.speaker)) into.speaker.right++;
      }
      if (y.sourcing) {
        into.sourcing.of++;
        if (best.sourcing === y.sourcing) into.sourcing.right++;
        if (y.sourcing === 'anonymous') {
          into.anonymous.of++;
          if (best.sourcing === 'anonymous') into.anonymous.right++;
        }
      }
    }
  }
  return into;
}

export const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
export function figures(s: Scores) {
  const t = (type: string) => {
    const c = s.byType[type];
    return { precision: ratio(c.tpOverlapSuggested, c.suggested), recall: ratio(c.tpOverlapGold, c.gold), exactPrecision: ratio(c.tpExact, c.suggested), exactRecall: ratio(c.tpExact, c.gold), suggested: c.suggested, gold: c.gold };
  };
  return {
    quotes: t('direct-quote'), claims: t('reported-claim'), opinion: t('opinion'),
    speaker: ratio(s.speaker.right, s.speaker.of), speakerOf: s.speaker.of,
    sourcing: ratio(s.sourcing.right, s.sourcing.of), sourcingOf: s.sourcing.of,
    anonymous: ratio(s.anonymous.right, s.anonymous.of), anonymousOf: s.anonymous.of,
  };
}
