import type { Label, Sourcing } from './types.js';
import { namesEndingWith } from './full-names.js';

/**
 * Rule-based label suggestions. Offsets are UTF-16 code units into the text, end exclusive.
 * The rules are deliberately few and legible:
 *  - quoted words (curly or straight double quotes) of three words or more are direct quotes; the
 *    speaker and cue are read from the words right after ("…,” Blinken said") or right before
 *    ("Blinken said on Wednesday, “…") the quote;
 *  - "<speaker> <cue> that <clause>" without quote marks is a reported claim of that clause;
 *  - a sentence with two or more loaded words outside quotes is the author's opinion.
 */
export interface Suggestion {
  /** Stable for the same text and rule: `<type>:<start>-<end>`. */
  id: string;
  type: 'direct-quote' | 'reported-claim' | 'opinion';
  start: number;
  end: number;
  exact: string;
  speaker?: string;
  cue?: string;
  sourcing?: Sourcing;
  /** 0-1: how sure the rule is. */
  score: number;
  rule: string;
}

export const CUE_VERBS = [
  'said', 'says', 'told', 'tells', 'warned', 'warns', 'added', 'adds', 'noted', 'notes', 'argued', 'argues', 'claimed', 'claims',
  'averred', 'stated', 'insisted', 'explained', 'asked', 'asking', 'answered', 'replied', 'revealed', 'wrote', 'confirmed', 'announced',
  'acknowledged', 'admitted', 'confided', 'suggested', 'declared', 'stressed', 'urged', 'vowed', 'insists', 'believes',
];
const CUE = `(?:${CUE_VERBS.join('|')})(?: to [A-Z][\\w.]*(?: [A-Z][\\w.]*)*| reporters| \\w+ that)?`;
const WORD = "(?:(?:[A-Z]\\.){1,3}|(?:Mr|Mrs|Ms|Dr|Jr|St)\\.|[A-Z][\\w'’-]+)";
const NAME = `(?:(?:${WORD}|of|de|van|von)\\s){0,4}${WORD}|[Tt]he (?:[A-Z][\\w'’-]+|newspaper|paper|report|statement|ministry|agency)`;
const PRONOUN = '(?:he|she|they|He|She|They)';
const ANON = "(?:[Aa]n? (?:senior |top |former |French |U\\.S\\. |US |Western |Ukrainian |Russian |European )?(?:official|source|adviser|aide|diplomat|person|spokesperson|spokesman|analyst)(?: [\\w'’ ]{0,40}?)?|[Oo]fficials|[Ss]ources)";
const SPEAKER = `(${NAME}|${PRONOUN}|${ANON})`;

const AFTER = new RegExp(`^[,.]?[”"’]?\\s*(?:,\\s*)?(?:${SPEAKER}\\s+(${CUE})|(${CUE})\\s+${SPEAKER})`, 'u');
const BEFORE = new RegExp(`${SPEAKER}\\s+(?:[\\w ,]{0,30}?\\s)?(${CUE})(?:\\s+on \\w+)?(?:\\s+by saying)?(?:\\s+that)?[,:]?\\s*$`, 'u');
const QUOTE = /“([^“”]{3,}?)”|"([^"\n]{3,}?)"/g;
/** The claimed clause: 20 to 400 characters up to the end of its sentence (bounded, so linear). */
const CLAIM = new RegExp(`${SPEAKER}(?:\\s+on \\w+day)?\\s+(${CUE.replace('| \\\\w+ that', '')})\\s+that\\s+([^“”".!?\\n]{20,400}[.!?])(?=\\s|$)`, 'gu');
const LOADED = ['sophistry', 'stooge', 'shills', 'ostensible', 'ostensibly', 'self-styled', 'misleading', 'phony', 'so-called', 'propaganda',
  'regime', 'puppet', 'imperialist', 'mogul', 'insider scoops', 'magnanimity', 'allegedly', 'brazen', 'reckless', 'disastrous', 'shameful',
  'sabotage', 'deference', 'overtones', 'notorious', 'absurd', 'ambitious', 'incredibly'];
const LOADED_PATTERNS = LOADED.map((w) => ({ word: w, re: new RegExp(`\\b${w}\\b`) }));

const MAX_SUGGESTIONS = 300;
/** Longer runs without a full stop are not sentences (lists, tables, junk): no opinion is read in them. */
const MAX_SENTENCE = 2000;
/** Capitalised words that open a clause but name nobody. */
const NOT_SPEAKERS = /^(?:The|A|An|This|That|It|In|On|At|But|And|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December)$/;

/**
 * Suggestions for `text`, minus spans already labelled with the same type and the rejected ones.
 * A surname alone ("Blinken") becomes the full name when exactly one of `knownSpeakers` (the
 * corpus's speakers) or one "First Last" name in the text ends with it.
 */
export function suggestLabels(text: string, existing: Pick<Label, 'type' | 'start' | 'end'>[], rejected: string[] = [], knownSpeakers: string[] = []): Suggestion[] {
  const out: Suggestion[] = [...quoteSuggestions(text), ...claimSuggestions(text), ...opinionSuggestions(text)];
  const rejectedKeys = new Set(rejected);
  const names = new Map<string, string>();
  const kept = dedupe(out)
    .filter((s) => !existing.some((l) => l.type === s.type && overlapRatio(l, s) >= 0.5))
    .filter((s) => !rejectedKeys.has(rejectionKey(s)))
    .sort((a, b) => a.start - b.start || b.end - a.end)
    .slice(0, MAX_SUGGESTIONS);
  // Every surname's "First Last" names in one pass over the text, not one scan per speaker.
  const inText = namesEndingWith(text, kept.flatMap((s) => (s.speaker && SURNAME.test(s.speaker) ? [s.speaker] : [])));
  const nameOf = (speaker: string) => {
    if (!names.has(speaker)) names.set(speaker, fullName(speaker, inText.get(speaker), knownSpeakers));
    return names.get(speaker)!;
  };
  return kept.map((s) => (s.speaker ? { ...s, speaker: nameOf(s.speaker) } : s));
}

const SURNAME = /^[A-Z][\w'’-]+$/;

function fullName(speaker: string, namesInText: Set<string> | undefined, known: string[]): string {
  if (!SURNAME.test(speaker)) return speaker;
  const fromCorpus = [...new Set(known.filter((k) => k.endsWith(` ${speaker}`)))];
  if (fromCorpus.length === 1) return fromCorpus[0];
  const inText = [...(namesInText ?? [])].filter((n) => !NOT_SPEAKERS.test(n.split(' ')[0]) && !TITLES.test(n.split(' ')[0]));
  return inText.length === 1 ? inText[0] : speaker;
}

const TITLES = /^(?:President|Secretary|Minister|Chancellor|Senator|General|Mr|Mrs|Ms|Dr|Prime|Deputy|Foreign|Defense|State|Spokesman|Spokeswoman)$/;

/** What a rejection remembers: type and words, so it still holds after the text is revised. */
export function rejectionKey(s: Pick<Suggestion, 'type' | 'exact'>): string {
  return `${s.type}|${s.exact}`;
}

function quoteSuggestions(text: string): Suggestion[] {
  const out: Suggestion[] = [];
  let lastNamed: string | undefined;
  let lineStart = 0;
  let nextBreak = text.indexOf('\n');
  for (const m of text.matchAll(QUOTE)) {
    while (nextBreak !== -1 && nextBreak < m.index!) {
      lineStart = nextBreak + 1;
      nextBreak = text.indexOf('\n', lineStart);
    }
    const inner = m[1] ?? m[2];
    const innerStart = m.index! + 1;
    const trimmed = trimSpan(text, innerStart, innerStart + inner.length);
    if (!trimmed) continue;
    const words = text.slice(trimmed.start, trimmed.end).split(/\s+/).length;
    const after = AFTER.exec(text.slice(m.index! + m[0].length, m.index! + m[0].length + 80));
    const before = BEFORE.exec(text.slice(Math.max(lineStart, m.index! - 120), m.index!));
    const speakerRaw = after ? (after[1] ?? after[4]) : before?.[1];
    const cue = after ? (after[2] ?? after[3]) : before?.[2];
    if (words < 3 && !cue) continue;
    let speaker = speakerRaw?.trim();
    if (speaker && NOT_SPEAKERS.test(speaker)) speaker = undefined;
    let sourcing: Sourcing | undefined;
    if (speaker && new RegExp(`^${PRONOUN}$`).test(speaker)) {
      speaker = lastNamed;
      sourcing = lastNamed ? 'named' : 'unattributed';
    } else if (speaker && new RegExp(`^${ANON}$`).test(speaker)) {
      sourcing = 'anonymous';
    } else if (speaker) {
      sourcing = 'named';
      lastNamed = speaker;
    }
    out.push({
      id: '', type: 'direct-quote', ...trimmed, exact: text.slice(trimmed.start, trimmed.end),
      ...(speaker ? { speaker } : {}), ...(cue ? { cue: cue.trim() } : {}), ...(sourcing ? { sourcing } : { sourcing: 'unattributed' as const }),
      score: cue ? 0.9 : 0.6, rule: cue ? 'quote-with-attribution' : 'quoted-words',
    });
  }
  return out;
}

function claimSuggestions(text: string): Suggestion[] {
  const out: Suggestion[] = [];
  for (const m of text.matchAll(CLAIM)) {
    const clause = m[3];
    const start = m.index! + m[0].length - clause.length;
    const trimmed = trimSpan(text, start, start + clause.length);
    if (!trimmed) continue;
    const speaker = m[1].trim();
    if (NOT_SPEAKERS.test(speaker)) continue;
    const anonymous = new RegExp(`^${ANON}$`).test(speaker);
    const pronoun = new RegExp(`^${PRONOUN}$`).test(speaker);
    out.push({
      id: '', type: 'reported-claim', ...trimmed, exact: text.slice(trimmed.start, trimmed.end),
      ...(pronoun ? {} : { speaker }), cue: m[2].trim(), sourcing: anonymous ? 'anonymous' : pronoun ? 'unattributed' : 'named',
      score: 0.7, rule: 'speaker-cue-that',
    });
  }
  return out;
}

function opinionSuggestions(text: string): Suggestion[] {
  const out: Suggestion[] = [];
  for (const m of text.matchAll(/[^.!?\n]+[.!?]?/g)) {
    const sentence = m[0];
    if (sentence.length > MAX_SENTENCE) continue;
    // Quoted parts end at the next quotation mark of either kind, so an unclosed one costs nothing.
    const outsideQuotes = sentence.replace(/“[^“”]*”|"[^"]*"/g, ' ').toLowerCase();
    const hits = LOADED_PATTERNS.filter((p) => p.re.test(outsideQuotes)).map((p) => p.word);
    if (hits.length < 2) continue;
    const trimmed = trimSpan(text, m.index!, m.index! + sentence.length);
    if (!trimmed) continue;
    out.push({ id: '', type: 'opinion', ...trimmed, exact: text.slice(trimmed.start, trimmed.end), score: Math.min(0.4 + 0.1 * hits.length, 0.8), rule: `loaded-words: ${hits.join(', ')}` });
  }
  return out;
}

/** Trims whitespace and a trailing comma or full stop; `null` if nothing is left. */
function trimSpan(text: string, start: number, end: number): { start: number; end: number } | null {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /[\s,.]/.test(text[end - 1])) end--;
  return end > start ? { start, end } : null;
}

function overlapRatio(a: { start: number; end: number }, b: { start: number; end: number }): number {
  const overlap = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  return overlap <= 0 ? 0 : overlap / Math.max(a.end - a.start, b.end - b.start);
}

function dedupe(list: Suggestion[]): Suggestion[] {
  const seen = new Map<string, Suggestion>();
  for (const s of list) {
    const id = `${s.type}:${s.start}-${s.end}`;
    const prev = seen.get(id);
    if (!prev || prev.score < s.score) seen.set(id, { ...s, id });
  }
  return [...seen.values()];
}
