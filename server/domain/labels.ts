import type { DocEvent, DocumentRecord, Label, LabelTypeDef, Sourcing, TextQuote } from './types.js';
import { latestRevision } from './types.js';
import { splitsSurrogatePair } from './text.js';

/** Characters of context kept each side of a span in its TextQuoteSelector (UTF-16 code units). */
export const QUOTE_CONTEXT = 32;

/** Longest speaker, cue, note, in UTF-16 code units. */
export const ATTRIBUTE_LIMITS = { speaker: 200, cue: 100, note: 5000 } as const;

/** W3C TextQuoteSelector for text[start, end) (UTF-16 offsets), with 32 characters of context. */
export function quoteOf(text: string, start: number, end: number): TextQuote {
  let prefixStart = Math.max(0, start - QUOTE_CONTEXT);
  if (splitsSurrogatePair(text, prefixStart)) prefixStart -= 1;
  let suffixEnd = Math.min(text.length, end + QUOTE_CONTEXT);
  if (splitsSurrogatePair(text, suffixEnd)) suffixEnd += 1;
  return { exact: text.slice(start, end), prefix: text.slice(prefixStart, start), suffix: text.slice(end, suffixEnd) };
}

/** Why a span cannot be stored on `text`, or `null` when it can. Offsets are UTF-16. */
export function spanProblem(text: string, start: number, end: number): string | null {
  if (!Number.isInteger(start) || !Number.isInteger(end)) return 'start and end must be whole numbers';
  if (start < 0 || end > text.length) return `the span ${start}-${end} is outside the text (0-${text.length})`;
  if (start >= end) return `start (${start}) must be before end (${end})`;
  if (splitsSurrogatePair(text, start) || splitsSurrogatePair(text, end)) return 'the span splits a character (a surrogate pair) in two';
  if (text.slice(start, end).trim() === '') return 'the span holds only whitespace';
  return null;
}

/** Attribute values; an empty string means "remove", `undefined` means "leave as it is". */
export interface LabelAttributes {
  speaker?: string;
  cue?: string;
  sourcing?: Sourcing | '';
  note?: string;
}

export interface NewLabel extends LabelAttributes {
  id: string;
  type: string;
  start: number;
  end: number;
}

/** A label on the latest revision of `doc`, anchored exactly; the caller has checked the span. */
export function makeLabel(doc: DocumentRecord, input: NewLabel, annotator: string, now: string): Label {
  const latest = latestRevision(doc);
  const label: Label = {
    id: input.id,
    type: input.type,
    start: input.start,
    end: input.end,
    rev: latest.rev,
    quote: quoteOf(latest.text, input.start, input.end),
    annotator,
    createdAt: now,
    updatedAt: now,
    anchor: { state: 'exact', method: 'created', fromRev: latest.rev },
  };
  return withAttributes(label, input);
}

/** Sets (non-empty string) or removes (empty string) attributes; `undefined` leaves one as it was. */
export function withAttributes(label: Label, attrs: LabelAttributes): Label {
  const out: Label = { ...label };
  for (const key of ['speaker', 'cue', 'sourcing', 'note'] as const) {
    const value = attrs[key];
    if (value === undefined) continue;
    if (value === '') delete out[key];
    else (out as unknown as Record<string, string>)[key] = value;
  }
  return out;
}

/** An event for the audit trail. `before`/`after` are whole label snapshots. */
export function labelEvent(kind: 'label.created' | 'label.updated' | 'label.deleted' | 'label.restored', actor: string, at: string, before?: Label, after?: Label): DocEvent {
  const id = (after ?? before)!.id;
  return { at, actor, kind, labelId: id, rev: (after ?? before)!.rev, ...(before ? { before } : {}), ...(after ? { after } : {}) };
}

export function isKnownType(types: LabelTypeDef[], type: string): boolean {
  return types.some((t) => t.id === type);
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}_'’-]/u;

/**
 * Snaps a selection (UTF-16 offsets) to whole words and trims surrounding whitespace: a start or
 * end that falls inside a word moves outward to the word's edge. Returns `null` when the selection
 * holds only whitespace.
 */
export function snapToWords(text: string, start: number, end: number): { start: number; end: number } | null {
  let s = Math.max(0, Math.min(start, text.length));
  let e = Math.max(s, Math.min(end, text.length));
  while (s < e && /\s/.test(text[s])) s++;
  while (e > s && /\s/.test(text[e - 1])) e--;
  if (s === e) return null;
  while (s > 0 && WORD_CHAR.test(text[s - 1]) && WORD_CHAR.test(text[s])) s--;
  while (e < text.length && WORD_CHAR.test(text[e]) && WORD_CHAR.test(text[e - 1])) e++;
  if (splitsSurrogatePair(text, s)) s--;
  if (splitsSurrogatePair(text, e)) e++;
  return { start: s, end: e };
}

/** UTF-16 start of the `occurrence`-th (1-based) appearance of `exact` in `text`, or `null`. */
export function findOccurrence(text: string, exact: string, occurrence: number): number | null {
  let from = 0;
  for (let n = 1; ; n++) {
    const at = text.indexOf(exact, from);
    if (at === -1) return null;
    if (n === occurrence) return at;
    from = at + 1;
  }
}

/** How many times `exact` appears in `text` (overlapping appearances counted). */
export function countOccurrences(text: string, exact: string): number {
  let n = 0;
  for (let at = text.indexOf(exact); at !== -1; at = text.indexOf(exact, at + 1)) n++;
  return n;
}
