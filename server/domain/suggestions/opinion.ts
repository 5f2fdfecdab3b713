import type { Sentence, Span } from './types.js';
import { OPINION_LEXICON, type Family } from './opinion-lexicon.js';
import { MAX_SENTENCE_CHARS } from './text-analysis.js';

/**
 * Opinion candidates: clauses of the author's own words (quotations and reported contents blanked
 * out) that carry loaded words. The clause is the sentence cut at ; : — and at ", while"; a
 * candidate's confidence grows with the weight of its words (see opinion-lexicon.ts).
 */
export interface OpinionCandidate extends Span { confidence: number; hits: { words: string; family: Family }[] }

const ENTRIES = Object.entries(OPINION_LEXICON).flatMap(([family, words]) => Object.entries(words).map(([words, weight]) => ({ words, weight, family: family as Family, re: new RegExp(`(?<![\\p{L}-])${words}(?![\\p{L}-])`, 'u') })));
/** Any lexicon entry at all: one scan per sentence before the clause-by-clause reading. */
const ANY = new RegExp(ENTRIES.map((e) => e.words).join('|'), 'u');
/** Below this a candidate is not suggested: one strong word, or two weak ones. */
export const MIN_OPINION_WEIGHT = 1;

export function opinionCandidates(text: string, sentence: Sentence, blanked: Span[]): OpinionCandidate[] {
  if (sentence.end - sentence.start > MAX_SENTENCE_CHARS) return [];
  if (!ANY.test(text.slice(sentence.start, sentence.end).toLowerCase())) return [];
  let own = text.slice(sentence.start, sentence.end);
  for (const b of blanked) {
    const s = Math.max(b.start, sentence.start) - sentence.start;
    const e = Math.min(b.end, sentence.end) - sentence.start;
    if (e > s) own = own.slice(0, s) + ' '.repeat(e - s) + own.slice(e);
  }
  const out: OpinionCandidate[] = [];
  const lower = own.toLowerCase();
  for (const clause of clauses(lower)) {
    const part = lower.slice(clause.start, clause.end);
    let weight = 0;
    const hits: OpinionCandidate['hits'] = [];
    for (const e of ENTRIES) {
      if (part.length < e.words.length || !part.includes(e.words) || !e.re.test(part)) continue;
      if (hits.some((h) => h.words.includes(e.words))) continue;
      weight += e.weight;
      hits.push({ words: e.words, family: e.family });
    }
    if (weight < MIN_OPINION_WEIGHT) continue;
    // The span: the clause's own words (blanked parts at its edges left out).
    let s = clause.start;
    let e = clause.end;
    while (s < e && /[\s,.;:—–-]/.test(own[s])) s++;
    while (e > s && /[\s,.;:—–"“”]/.test(own[e - 1])) e--;
    if (e - s < 12) continue;
    out.push({ start: sentence.start + s, end: sentence.start + e, confidence: Math.min(0.95, 0.5 + 0.15 * weight), hits });
  }
  return out;
}

/** Clause boundaries inside a sentence: ; : — and a comma before "while"/"whereas". */
function clauses(s: string): Span[] {
  const out: Span[] = [];
  const re = /;|:\s|\s—\s|—|,\s(?=while |whereas )/g;
  let start = 0;
  for (const m of s.matchAll(re)) {
    out.push({ start, end: m.index! });
    start = m.index! + m[0].length;
  }
  out.push({ start, end: s.length });
  return out.filter((c) => c.end > c.start);
}
