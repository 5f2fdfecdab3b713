import type { Anchor, Label, TextQuote } from '../types.js';
import { ANCHOR_STATES } from '../types.js';
import { quoteOf } from '../labels.js';
import { hunksTouching, mapEditedInside, mapEnd, mapHint, mapStart, textFromElsewhere } from './diff-map.js';
import { matchQuote, scoreCandidate, type QuoteMatch, type Range } from './match-quote.js';
import type { ChangeMap, LabelOutcome, ReanchorReport, StateCounts } from './types.js';

/** Carried-over runs at least this long (UTF-16 units) count as "text that was elsewhere"; see textFromElsewhere. */
const MIN_BLOCKED_RUN = 12;
const WORD_CHAR = /[\p{L}\p{N}]/u;

export interface Revisions {
  oldText: string;
  newText: string;
  fromRev: number;
  toRev: number;
}

/**
 * Moves labels from one revision's text to the next, through the change map between the two:
 * - a span whose text no hunk touches keeps its label at the mapped offsets (`exact` if they did
 *   not change, else `moved`; method `diff`);
 * - a span changed only in whitespace follows the diff too (`moved`, method `diff-whitespace`);
 * - any other touched span is looked for by its TextQuoteSelector: exact occurrences anywhere; else,
 *   when edits changed only its inside (its first and last words carried over), the diff's new span
 *   between its mapped ends, however much longer or shorter, scored against the quote (method
 *   `quote-approx`); else approximate occurrences near where the diff puts it. Only text the
 *   revision wrote, or text carried over from the span itself, can take it: text that was already
 *   elsewhere in the old revision never does, so a label is not moved onto a look-alike passage. Found: `fuzzy` (to be reviewed), or
 *   `moved` when the quote and its 32-character context are found identical; not found: `orphaned`.
 * Orphaned labels are looked for again, in written text only. A label already waiting for review
 * stays `fuzzy` until someone confirms it. Input labels are not modified.
 * All offsets are UTF-16 code units.
 */
export function reanchorLabels(labels: Label[], texts: Revisions, map: ChangeMap): { labels: Label[]; report: ReanchorReport } {
  const outcomes: LabelOutcome[] = [];
  const moved = labels.map((label) => {
    const next = reanchorOne(label, texts, map);
    outcomes.push(outcomeOf(label, next, texts));
    return next;
  });
  return { labels: moved, report: reportOf(outcomes, texts, map) };
}

function reanchorOne(label: Label, texts: Revisions, map: ChangeMap): Label {
  const { oldText, newText, fromRev, toRev } = texts;
  const orphaned = label.anchor.state === 'orphaned';
  const own: Range = orphaned ? { start: label.start, end: label.start } : { start: label.start, end: label.end };
  if (!orphaned && hunksTouching(map, own.start, own.end).length === 0) {
    const start = mapStart(map, own.start);
    const end = mapEnd(map, own.end);
    if (newText.slice(start, end) !== oldText.slice(own.start, own.end)) {
      throw new Error(`label ${label.id}: untouched span ${own.start}-${own.end} mapped to different text at ${start}-${end}`);
    }
    const state = start === own.start && end === own.end ? 'exact' : 'moved';
    return place(label, texts, start, end, keepReview(label, { state, method: 'diff', fromRev }));
  }
  if (!orphaned) {
    const span = whitespaceOnlyChange(oldText.slice(own.start, own.end), newText, mapStart(map, own.start), mapEnd(map, own.end));
    if (span) return place(label, texts, span.start, span.end, keepReview(label, { state: 'moved', method: 'diff-whitespace', fromRev }));
  }
  const quote = orphaned ? label.quote : quoteOf(oldText, own.start, own.end);
  const search = {
    hint: mapHint(map, own.start),
    hintEnd: orphaned ? undefined : mapHint(map, own.end),
    blocked: textFromElsewhere(map, own, Math.min(MIN_BLOCKED_RUN, quote.exact.length)),
  };
  // A whole copy of the quote means the span moved; else a span edited only inside follows the diff.
  const found = orphaned
    ? matchQuote(newText, quote, search)
    : (matchQuote(newText, quote, { ...search, exactOnly: true }) ?? editedInside(texts, map, own, quote) ?? matchQuote(newText, quote, search));
  const from = orphaned ? label.anchor.fromRev : fromRev;
  if (found) {
    const score = Math.round(found.score * 1000) / 1000;
    const method = found.quoteScore === 1 ? 'quote-exact' : 'quote-approx';
    const anchor: Anchor = found.identical && !orphaned ? { state: 'moved', method, score, fromRev: from } : { state: 'fuzzy', method, score, fromRev: from };
    return place(label, texts, found.start, found.end, keepReview(label, anchor));
  }
  const at = Math.min(mapStart(map, own.start), newText.length);
  return { ...label, start: at, end: at, rev: toRev, quote, anchor: orphaned ? label.anchor : { state: 'orphaned', method: 'none', fromRev } };
}

function place(label: Label, texts: Revisions, start: number, end: number, anchor: Anchor): Label {
  return { ...label, start, end, rev: texts.toRev, quote: quoteOf(texts.newText, start, end), anchor };
}

/** A label waiting for review keeps waiting (with its earlier reason) when its text only moved. */
function keepReview(label: Label, anchor: Anchor): Anchor {
  if (label.anchor.state === 'fuzzy' && (anchor.state === 'exact' || anchor.state === 'moved')) return { ...label.anchor };
  return anchor;
}

/**
 * The new span of old span `own` when edits changed only its inside (see mapEditedInside), trimmed
 * of whitespace and scored against `quote`. `null` when an end was edited, when the text carried
 * over at either end holds no word (a diff of two unrelated sentences keeps a stray "The " or "."
 * in common, which does not say where the span went), or when only whitespace is left. The
 * approximate quote search keeps the quote's length: it would cut off words added inside the span
 * and miss one whose middle was removed.
 */
function editedInside(texts: Revisions, map: ChangeMap, own: Range, quote: TextQuote): QuoteMatch | null {
  const mapped = mapEditedInside(map, own.start, own.end);
  const hasWord = (r: Range) => WORD_CHAR.test(texts.oldText.slice(r.start, r.end));
  if (!mapped || !hasWord(mapped.kept[0]) || !hasWord(mapped.kept[mapped.kept.length - 1])) return null;
  const candidate = texts.newText.slice(mapped.start, mapped.end);
  if (candidate.trim() === '') return null;
  const start = mapped.start + (candidate.length - candidate.trimStart().length);
  const end = mapped.end - (candidate.length - candidate.trimEnd().length);
  return scoreCandidate(texts.newText, quote, { start, end, errors: mapped.errors }, mapped.start);
}

/**
 * The new span when the edit inside old text `exact` only changed whitespace: the mapped range,
 * trimmed of whitespace at both ends; `null` when words changed.
 */
function whitespaceOnlyChange(exact: string, newText: string, start: number, end: number): Range | null {
  if (end - start > 2 * exact.length + 64) return null; // far longer: words were added, not just spaces
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  const candidate = newText.slice(start, end);
  if (squash(candidate) === '' || squash(candidate) !== squash(exact)) return null;
  const lead = candidate.length - candidate.trimStart().length;
  const trail = candidate.length - candidate.trimEnd().length;
  return { start: start + lead, end: end - trail };
}

function outcomeOf(before: Label, after: Label, texts: Revisions): LabelOutcome {
  return {
    id: after.id,
    type: after.type,
    state: after.anchor.state,
    method: after.anchor.method,
    ...(after.anchor.score !== undefined ? { score: after.anchor.score } : {}),
    oldStart: before.start,
    oldEnd: before.end,
    oldExact: before.anchor.state === 'orphaned' ? before.quote.exact : texts.oldText.slice(before.start, before.end),
    start: after.start,
    end: after.end,
    exact: texts.newText.slice(after.start, after.end),
  };
}

/** The report of a revision from the outcome of every label, in the order of the label list. */
export function reportOf(outcomes: LabelOutcome[], texts: Revisions, map: ChangeMap): ReanchorReport {
  const counts = Object.fromEntries(ANCHOR_STATES.map((s) => [s, 0])) as StateCounts;
  for (const o of outcomes) counts[o.state]++;
  return {
    fromRev: texts.fromRev,
    toRev: texts.toRev,
    precision: map.precision,
    counts,
    needsReview: outcomes.filter((o) => o.state === 'fuzzy'),
    orphaned: outcomes.filter((o) => o.state === 'orphaned'),
    labels: outcomes,
  };
}
