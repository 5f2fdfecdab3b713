import approxSearch from 'approx-string-match';
import type { TextQuote } from '../types.js';
import { splitsSurrogatePair } from '../text.js';

/**
 * Finding a W3C TextQuoteSelector in a text: exact occurrences anywhere, then approximate ones
 * near a position hint, each scored by how well the quote, its prefix and its suffix match and by
 * its distance from the hint (the weights of the Hypothesis client). All offsets are UTF-16 code
 * units into the searched text.
 */

/** A candidate's quote must be at least this similar to the quote (1 - edits / quote length). */
export const MIN_QUOTE_SIMILARITY = 0.6;
/** A candidate's combined score must be at least this; below it the label is orphaned. */
export const MIN_SCORE = 0.55;
/** Approximate search looks this far (UTF-16 units) either side of where the span is expected, or twice the quote's length if more. */
export const SEARCH_RADIUS = 2000;
/** At most this many exact occurrences are scored (a very common quote is not a useful anchor). */
const MAX_EXACT_CANDIDATES = 1000;
const WEIGHTS = { quote: 50, prefix: 20, suffix: 20, position: 2 } as const;
const TOTAL_WEIGHT = WEIGHTS.quote + WEIGHTS.prefix + WEIGHTS.suffix + WEIGHTS.position;

export interface Range {
  start: number;
  end: number;
}

export interface QuoteMatch extends Range {
  /** Combined score in [0, 1]. */
  score: number;
  /** Similarity of the matched text to the quote: 1 when identical. */
  quoteScore: number;
  /** True when the matched text, prefix and suffix are all identical to the selector's. */
  identical: boolean;
}

export interface MatchOptions {
  /** Where the quote is expected to start. */
  hint: number;
  /** Where the quote is expected to end (defaults to hint + quote length); widens the search window. */
  hintEnd?: number;
  /** Sorted, disjoint ranges a match may not touch. */
  blocked?: Range[];
  /** Radius of the approximate search around the hint; `Infinity` searches the whole text. */
  radius?: number;
  /** Only exact occurrences of the quote are candidates: no approximate search. */
  exactOnly?: boolean;
}

/**
 * The best place for `quote` in `text`, or `null` when no candidate reaches the minimum quote
 * similarity and combined score. Ties go to the candidate nearest the hint.
 */
export function matchQuote(text: string, quote: TextQuote, options: MatchOptions): QuoteMatch | null {
  const exact = quote.exact;
  if (exact === '') return null;
  const blocked = options.blocked ?? [];
  const candidates: { start: number; end: number; errors: number }[] = [];
  for (const start of exactOccurrences(text, exact)) {
    if (!touchesAny(blocked, start, start + exact.length)) candidates.push({ start, end: start + exact.length, errors: 0 });
  }
  if (!options.exactOnly) candidates.push(...approximateCandidates(text, quote, blocked, options));

  let best: QuoteMatch | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (1 - c.errors / exact.length < MIN_QUOTE_SIMILARITY) continue;
    const m = scoreCandidate(text, quote, c, options.hint);
    if (m.score < MIN_SCORE) continue;
    const distance = Math.abs(c.start - options.hint);
    if (!best || m.score > best.score || (m.score === best.score && distance < bestDistance)) {
      best = m;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Scores text[start, end) as a place for `quote`, `errors` being the edits that turn the quote into
 * that text: quote similarity (1 - errors / quote length, at least 0), prefix, suffix and distance
 * from `hint`, with the weights above. No minimum is applied here.
 */
export function scoreCandidate(text: string, quote: TextQuote, c: Range & { errors: number }, hint: number): QuoteMatch {
  const exact = quote.exact;
  const quoteScore = Math.max(0, 1 - c.errors / exact.length);
  const prefixScore = contextScore(text.slice(Math.max(0, c.start - quote.prefix.length), c.start), quote.prefix);
  const suffixScore = contextScore(text.slice(c.end, c.end + quote.suffix.length), quote.suffix);
  const positionScore = 1 - Math.min(1, Math.abs(c.start - hint) / Math.max(1, text.length));
  const score =
    (WEIGHTS.quote * quoteScore + WEIGHTS.prefix * prefixScore + WEIGHTS.suffix * suffixScore + WEIGHTS.position * positionScore) / TOTAL_WEIGHT;
  const identical = c.errors === 0 && prefixScore === 1 && suffixScore === 1 && text.slice(c.start, c.end) === exact;
  return { start: c.start, end: c.end, score, quoteScore, identical };
}

function exactOccurrences(text: string, exact: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(exact); i !== -1 && out.length < MAX_EXACT_CANDIDATES; i = text.indexOf(exact, i + 1)) out.push(i);
  return out;
}

/**
 * Approximate matches in a window around the hint. Blocked characters are masked with a character
 * the quote does not contain, so they can never match: the search (which keeps only the
 * lowest-error matches) is not captured by a blocked exact copy of the quote.
 */
function approximateCandidates(text: string, quote: TextQuote, blocked: Range[], options: MatchOptions) {
  const exact = quote.exact;
  const radius = Math.max(options.radius ?? SEARCH_RADIUS, 2 * exact.length);
  const from = Math.max(0, options.hint - radius);
  const to = Math.min(text.length, (options.hintEnd ?? options.hint + exact.length) + radius);
  if (to <= from) return [];
  const windowText = mask(text, from, to, blocked, exact.includes('\uffff') ? '\ufffe' : '\uffff');
  const maxErrors = Math.min(256, Math.floor(exact.length * (1 - MIN_QUOTE_SIMILARITY)));
  return approxSearch(windowText, exact, maxErrors)
    .map((m) => snapToWords(text, { start: m.start + from, end: m.end + from, errors: m.errors }, quote))
    .filter((m) => m.end > m.start && !touchesAny(blocked, m.start, m.end) && !splitsSurrogatePair(text, m.start) && !splitsSurrogatePair(text, m.end));
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/**
 * Widens an approximate match that cuts a word in two to the whole word, when the quote itself
 * starts (ends) with a whole word: "we will win" matched in "we will lose" ends at "los", since
 * dropping the "e" costs one edit less, but the label was on whole words (the quote's context
 * does not continue the word).
 */
function snapToWords(text: string, m: Range & { errors: number }, quote: TextQuote): Range & { errors: number } {
  const out = { ...m };
  const { exact, prefix, suffix } = quote;
  if (WORD_CHAR.test(exact[exact.length - 1]) && !WORD_CHAR.test(suffix[0] ?? ' ')) {
    for (let n = 0; n < 32 && out.end < text.length && WORD_CHAR.test(text[out.end]) && WORD_CHAR.test(text[out.end - 1]); n++) out.end++;
  }
  if (WORD_CHAR.test(exact[0]) && !WORD_CHAR.test(prefix[prefix.length - 1] ?? ' ')) {
    for (let n = 0; n < 32 && out.start > 0 && WORD_CHAR.test(text[out.start - 1]) && WORD_CHAR.test(text[out.start]); n++) out.start--;
  }
  // Each added character costs at most one more edit.
  out.errors += m.start - out.start + (out.end - m.end);
  return out;
}

function mask(text: string, from: number, to: number, blocked: Range[], filler: string): string {
  let out = '';
  let pos = from;
  for (const r of blocked) {
    if (r.end <= from || r.start >= to) continue;
    const a = Math.max(from, r.start);
    const b = Math.min(to, r.end);
    out += text.slice(pos, a) + filler.repeat(b - a);
    pos = b;
  }
  return out + text.slice(pos, to);
}

/** True when [start, end) intersects one of the sorted, disjoint `ranges`. */
export function touchesAny(ranges: Range[], start: number, end: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid].end <= start) lo = mid + 1;
    else if (ranges[mid].start >= end) hi = mid - 1;
    else return true;
  }
  return false;
}

/**
 * How well the text next to a candidate matches the stored context, in [0, 1]: 1 - edits / length,
 * edits counted for the best approximate occurrence of the stored context in the actual one (as the
 * Hypothesis client does). An empty stored context says nothing: 1.
 */
function contextScore(actual: string, stored: string): number {
  if (stored === '' || actual === stored) return 1;
  const matches = approxSearch(actual, stored, stored.length);
  const errors = matches.length ? Math.min(...matches.map((m) => m.errors)) : stored.length;
  return 1 - Math.min(errors, stored.length) / stored.length;
}
