import type { Label, Sourcing } from '../types.js';
import type { KnownSpeaker, Sentence, Span, Suggestion, Token } from './types.js';
import { findQuotes, type Quote } from './quotes.js';
import { analyse, MAX_SENTENCE_CHARS, NLP_MAX_CHARS } from './text-analysis.js';
import { attributionsIn, type Attribution } from './attributions.js';
import { headOf, sourceKind } from './sourcing.js';
import { DOCUMENT_HEADS } from './cues.js';
import { fullNameForms, NameResolver, nameIn, ORG_WORDS, phrase, TITLE_WORDS } from './speakers.js';
import { PersonTracker, pronounGender } from './pronouns.js';
import { givenNameGender } from './gender.js';
import { opinionCandidates } from './opinion.js';
import { LabelIndex } from './label-index.js';

export type { Suggestion, KnownSpeaker } from './types.js';
export { fullNameForms, commonNameForms } from './speakers.js';

/** At most this many suggestions are listed, first by position. */
export const MAX_SUGGESTIONS = 300;
/** A claim longer than this ran past its clause: not suggested. */
export const MAX_CLAIM_CHARS = 600;

export interface Source { speaker?: string; role?: string; sourcing: Sourcing; person: boolean; head?: string; phrase: string; at?: number }
interface Found { attribution: Attribution; source: Source }

/**
 * Suggestions for `text`, minus spans already labelled with the same type (half or more shared)
 * and rejected ones (`rejectionKey`). `knownSpeakers` (the project's speakers, as names or
 * `{ name, aliases }`) turn surnames and variant spellings into one full name.
 * Offsets are UTF-16 code units, end exclusive.
 */
export function suggestLabels(text: string, existing: Pick<Label, 'type' | 'start' | 'end'>[], rejected: string[] = [], knownSpeakers: KnownSpeaker[] = []): Suggestion[] {
  const useModel = text.length <= NLP_MAX_CHARS;
  const names = new NameResolver(knownSpeakers);
  for (const form of fullNameForms(text)) names.noteFullName(form);
  const rejectedKeys = new Set(rejected);
  const index = new LabelIndex(existing);
  const out: Suggestion[] = [];
  const ctx = newReadContext();
  // Chunk by chunk, in reading order, until the list is full: a huge text costs only what is shown.
  for (let from = 0; from < text.length && out.length < MAX_SUGGESTIONS; ) {
    const to = chunkEnd(text, from);
    ctx.base = from;
    for (const s of suggestChunk(text.slice(from, to), names, useModel, ctx)) {
      if (out.length >= MAX_SUGGESTIONS) break;
      if (index.covers(s.type, { start: s.start + from, end: s.end + from })) continue;
      if (rejectedKeys.size && rejectedKeys.has(rejectionKey(s))) continue;
      const f = FOUND.get(s);
      if (f) s.explanation = describe(f);
      if (s.speaker && s.sourcing === 'named') s.speaker = names.resolve(s.speaker);
      out.push(from === 0 ? s : { ...s, start: s.start + from, end: s.end + from, id: `${s.type}:${s.start + from}-${s.end + from}` });
    }
    from = to;
  }
  return out;
}

/** Texts are read in chunks of about this many characters, cut at a line break or sentence end when there is one. */
export const CHUNK_CHARS = 100_000;

function chunkEnd(text: string, from: number): number {
  if (text.length - from <= CHUNK_CHARS) return text.length;
  const window = text.slice(from + CHUNK_CHARS / 2, from + CHUNK_CHARS);
  const cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf('. ') + 1);
  return cut > 0 ? from + CHUNK_CHARS / 2 + cut + 1 : from + CHUNK_CHARS;
}

/** Suggestions for one chunk, sorted by start; offsets relative to the chunk. */
function suggestChunk(text: string, names: NameResolver, useModel: boolean, ctx: ReadContext): Suggestion[] {
  const quotes = findQuotes(text);
  const sentences = analyse(text, quotes.map((q) => q.outer), useModel);
  const found = readAttributions(text, sentences, quotes, names, ctx);
  const all = [...claimSuggestions(text, found, quotes), ...quoteSuggestions(text, quotes, sentences, found), ...opinionSuggestions(text, sentences, quotes, found)];
  return dedupe(all).sort((a, b) => a.start - b.start || b.end - a.end);
}

/** What a rejection remembers: type and words, so it still holds after the text is revised. */
export function rejectionKey(s: Pick<Suggestion, 'type' | 'exact'>): string {
  return `${s.type}|${s.exact}`;
}

/** Sorted spans → "is this offset inside one?" in O(log n). */
function insideAny(spans: Span[]): (offset: number) => boolean {
  return (offset) => {
    let lo = 0;
    let hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (spans[mid].end <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo < spans.length && spans[lo].start <= offset;
  };
}

/**
 * What reading a text remembers from one chunk to the next: who "he", "she", "they", "it",
 * "the official" and "the judge" can mean. `base` is the offset of the chunk being read.
 */
export interface ReadContext {
  base: number;
  people: PersonTracker<Source>;
  lastGroup?: Source;
  lastOrg?: Source;
  byHead: Map<string, Source>;
  /** Role words of titled people ("judge" → Alison Reyes), for "the judge". */
  roles: Map<string, Source>;
  /** Surnames (lower case) of people met so far, with their full name. */
  persons: Map<string, string>;
  /** The last person who spoke (a source), for role-only sources ("The British prime minister"). */
  lastSpeaker?: Source;
}

export function newReadContext(): ReadContext {
  return { base: 0, people: new PersonTracker<Source>(), byHead: new Map(), roles: new Map(), persons: new Map() };
}

/** A person's key for the tracker: the full name (a surname alone means the last person of that surname), the words of an anonymous source. */
function personKey(s: Source, ctx: ReadContext): string {
  if (s.sourcing !== 'named') return s.phrase.toLowerCase();
  const name = (s.speaker ?? s.phrase).toLowerCase();
  return name.includes(' ') ? name : ctx.persons.get(name)?.toLowerCase() ?? name;
}

/** Attributions in reading order, each source resolved ("he" → the last man mentioned). */
function readAttributions(text: string, sentences: Sentence[], quotes: Quote[], names: NameResolver, ctx: ReadContext): Found[] {
  const inQuote = insideAny(quotes.map((q) => q.inner));
  const out: Found[] = [];
  const remember = (source: Source, words: string[], at: number) => {
    if (source.sourcing === 'named' && source.speaker?.includes(' ')) ctx.persons.set(source.speaker.split(/\s+/).at(-1)!.toLowerCase(), source.speaker);
    const key = personKey(source, ctx);
    ctx.people.mention(source, key, at, source.speaker, words);
  };
  for (const sentence of sentences) {
    const attributions = attributionsIn(sentence, inQuote, text);
    // People named in the author's own words (not inside a quotation or a reported content), in text order with the attributions.
    const contents = attributions.map((a) => a.content);
    const mentions = ctx.persons.size || ctx.roles.size || TITLE_HINT.test(text.slice(sentence.start, Math.min(sentence.end, sentence.start + MAX_SENTENCE_CHARS)))
      ? personMentions(sentence.tokens, (o) => inQuote(o) || contents.some((c) => c.start <= o && o < c.end), ctx) : [];
    for (const m of mentions) if (m.name.includes(' ')) names.noteFullName(m.name);
    const byAttribution = attributions.map((a) => ({ at: a.source?.[0]?.start ?? a.cueSpan.start, attribution: a }));
    const events: ({ at: number; mention: NameMention } | { at: number; attribution: Attribution })[] = mentions.length
      ? [...mentions.map((m) => ({ at: m.at, mention: m })), ...byAttribution].sort((x, y) => x.at - y.at) : byAttribution;
    for (const e of events) {
      if ('mention' in e) {
        const m = e.mention;
        const source: Source = m.source ?? { speaker: m.name, sourcing: 'named', person: true, phrase: m.name, at: m.at + ctx.base };
        if (m.role) ctx.roles.set(m.role, source);
        // A titled name in a sentence that attributes nothing is who a later role-only source means.
        if (m.role && !attributions.length) ctx.lastSpeaker = source;
        remember(source, m.words, m.at + ctx.base);
        continue;
      }
      const a = e.attribution;
      const at = a.cueSpan.start + ctx.base;
      let source: Source | undefined;
      if (!a.source) source = { sourcing: 'unattributed', person: false, phrase: '' };
      else {
        const kind = sourceKind(a.source, a.cueLemma);
        const head = headOf(a.source)?.lower;
        const lower = a.source[0].lower;
        const lastPerson = ctx.lastSpeaker ?? ctx.people.last()?.source;
        if (kind === 'pronoun') {
          const gender = pronounGender(lower);
          source = gender ? ctx.people.resolve(gender)?.source : lower === 'i' ? ctx.people.last()?.source : lower === 'it' ? ctx.lastOrg ?? contentSubject(a) : ctx.lastGroup ?? ctx.lastOrg;
        } else if (kind === 'definite') {
          // "the official": the last source with that head, or the last person if named more recently; "the judge": the titled judge.
          const same = head ? byHeadOrRole(ctx, head) : undefined;
          source = same && (!lastPerson || (same.at ?? 0) >= (lastPerson.at ?? 0) || !/^(?:official|diplomat|minister|spokesman|spokeswoman)$/.test(head ?? '')) ? same : head && /^(?:official|diplomat|minister)$/.test(head) ? lastPerson : same;
        } else if (kind === 'named' && lower === 'the' && !a.source.some((w) => w.pos === 'PROPN' && /^\p{Lu}\p{Ll}/u.test(w.text) && !TITLE_WORDS.has(w.lower)) && lastPerson?.sourcing === 'named' && a.source.some((w) => /^(?:minister|president|secretary|diplomat|chancellor|envoy|leader|official|general)$/.test(w.lower))) {
          // "The British prime minister", "the top U.S. diplomat": a role of the last person named.
          source = { ...lastPerson, role: phrase(a.source).replace(/^the\s+/i, '') };
        } else if (kind === 'named') {
          const n = nameIn(a.source);
          source = { speaker: n.speaker, ...(n.role ? { role: n.role } : {}), sourcing: 'named', person: n.person, head, phrase: phrase(a.source), at };
          if (n.person && n.speaker.includes(' ')) names.noteFullName(n.speaker);
          if (!n.person || !/\s/.test(n.speaker)) if (viaStatement(a)) source.sourcing = 'document';
          if (n.person && n.role) for (const w of n.role.split(/\s+/)) if (/^\p{Ll}/u.test(w) || TITLE_WORDS.has(w.toLowerCase())) ctx.roles.set(w.toLowerCase(), source);
        } else source = { speaker: phrase(a.source), sourcing: kind, person: false, head, phrase: phrase(a.source), at };
        if (!source && kind === 'definite') source = { speaker: phrase(a.source), sourcing: DOCUMENT_HEADS.has(head ?? '') ? 'document' : 'anonymous', person: false, head, phrase: phrase(a.source) };
        if (!source) source = { sourcing: 'unattributed', person: false, phrase: phrase(a.source) };
        const words = a.source.map((w) => w.text);
        if (source.person || (source.sourcing === 'anonymous' && !isPlural(a.source, source.head))) ctx.lastSpeaker = source;
        if (source.sourcing === 'named' && source.person) remember(source, words, at);
        else if (source.sourcing === 'named') ctx.lastOrg = source;
        if (source.sourcing === 'anonymous' || source.sourcing === 'document') {
          if (source.head) ctx.byHead.set(source.head, source);
          if (isPlural(a.source, source.head)) ctx.lastGroup = source;
          else if (source.sourcing === 'anonymous') remember(source, words, at);
        }
      }
      out.push({ attribution: a, source });
    }
  }
  return out;
}

/** A group ("officials", "two people familiar with", "police"): "they" means it, "he"/"she" never do. */
function isPlural(source: Token[], head: string | undefined): boolean {
  return /s$/.test(head ?? '') || /^(?:people|police|staff|personnel|men|women|children|public)$/.test(head ?? '') || /^(?:two|three|four|five|six|seven|eight|nine|ten|several|many|some|both|most|few)$/.test(source[0]?.lower ?? '');
}

function byHeadOrRole(ctx: ReadContext, head: string): Source | undefined {
  const same = ctx.byHead.get(head);
  const role = ctx.roles.get(head);
  return !role ? same : !same ? role : (same.at ?? 0) >= (role.at ?? 0) ? same : role;
}

interface NameMention { at: number; name: string; words: string[]; role?: string; source?: Source }

/**
 * People named in a sentence outside `skip`ped offsets: a full name with a title ("Judge Alison
 * Reyes") or a given name of the lexicon ("Linda Arroyo"), a surname of a person met before
 * ("Holloway"), and "the judge" for a titled person met before. Offsets relative to the chunk.
 */
function personMentions(t: Token[], skip: (offset: number) => boolean, ctx: ReadContext): NameMention[] {
  const out: NameMention[] = [];
  for (let i = 0; i < t.length; i++) {
    if (t[i].lower === 'the' && i + 1 < t.length && ctx.roles.has(t[i + 1].lower) && t[i + 2]?.pos !== 'PROPN' && !skip(t[i].start)) {
      out.push({ at: t[i].start, name: ctx.roles.get(t[i + 1].lower)!.speaker ?? '', words: [], source: ctx.roles.get(t[i + 1].lower) });
      i++;
      continue;
    }
    if (!isName(t[i]) || skip(t[i].start)) continue;
    let j = i;
    while (j < t.length && j - i < 5 && isName(t[j])) j++;
    const run = t.slice(i, j).map((w) => w.text);
    const titles: string[] = [];
    while (run.length > 1 && TITLE_WORDS.has(run[0].toLowerCase().replace(/\.$/, ''))) titles.push(run.shift()!.toLowerCase());
    const before = t[i - 1];
    if (before && /^\p{Ll}/u.test(before.text) && /^(?:judge|prosecutor|councillor|councilman|councilwoman|chairman|chairwoman|commissioner|minister|secretary|president|director|spokesman|spokeswoman|mayor)$/.test(before.lower)) titles.push(before.lower);
    const at = t[i].start;
    i = j - 1;
    if (run.some((w) => ORG_WORDS.test(w))) continue;
    if (run.length >= 2) {
      const name = run.slice(-2).join(' ');
      const [first, last] = run.slice(-2);
      if (titles.length || givenNameGender(first) || ctx.persons.has(last.toLowerCase())) {
        out.push({ at, name, words: titles, ...(titles.length ? { role: titles.at(-1) } : {}) });
        ctx.persons.set(last.toLowerCase(), name);
      }
    } else if (run.length === 1 && t[j]?.text !== "'s" && t[j]?.text !== '’s') {
      const full = ctx.persons.get(run[0].toLowerCase());
      // "Mr Baptiste": a surname with a title is a person even when met for the first time.
      if (full || titles.length) out.push({ at, name: full ?? run[0], words: titles });
    }
  }
  return out;
}

/** "The club said in a statement", "In a statement, the watchdog said": an organisation speaking through a document. */
function viaStatement(a: Attribution): boolean {
  const t = a.sentence.tokens;
  const i = t.findIndex((w) => w.start === a.cueSpan.start);
  for (let k = Math.max(0, i - 8); k < Math.min(t.length, i + 6); k++) if (/^(?:statement|filing|release|communiqué)$/.test(t[k].lower) && /^(?:a|its|the)$/.test(t[k - 1]?.lower ?? '')) return true;
  return false;
}

/** Two capitalised words in a row (a titled name has at least a first name and a surname): only such sentences are read for titled names. */
const TITLE_HINT = /\p{Lu}[\p{Ll}'’-]+\s+\p{Lu}\p{Ll}/u;

const isName = (t: Token) => t.pos === 'PROPN' && /^\p{Lu}\p{Ll}/u.test(t.text);

/** Words of a content outside quotation marks (quotes from index `from` on; sorted). */
function unquotedWords(text: string, content: Span, quotes: Quote[], from: number): number {
  let words = 0;
  let at = content.start;
  for (let i = from; i < quotes.length && quotes[i].outer.start < content.end; i++) {
    const q = quotes[i];
    if (q.outer.end <= content.start) continue;
    words += countWords(text.slice(at, Math.max(at, q.outer.start)));
    at = Math.max(at, q.outer.end);
  }
  return words + countWords(text.slice(at, Math.max(at, content.end)));
}
const countWords = (s: string) => (s.match(/\p{L}[\p{L}'’-]*/gu) ?? []).length;

function describe(f: Found): string {
  const written = f.attribution.source ? phrase(f.attribution.source) : '';
  const who = written ? `“${written}”${f.source.speaker && f.source.speaker !== written ? ` (${f.source.speaker})` : ''}` : 'none';
  return `${f.attribution.order}: cue “${f.attribution.cue}”, source ${who}, ${f.source.sourcing}`;
}

function claimSuggestions(text: string, found: Found[], quotes: Quote[]): Suggestion[] {
  const out: Suggestion[] = [];
  const quotesFrom = firstQuoteAt(quotes);
  for (const f of found) {
    const a = f.attribution;
    if (a.quoteOnly) continue;
    const { start, end } = a.content;
    if (end - start > MAX_CLAIM_CHARS || end - start < 8) continue;
    if (unquotedWords(text, a.content, quotes, quotesFrom(start)) < 3) continue; // a quotation, not a claim
    if (!/\p{L}{2,}.*\s.*\p{L}{2,}/u.test(text.slice(start, end))) continue;
    const confidence = a.order === 'passive' ? 0.7 : a.order === 'according-to' ? 0.75 : a.order === 'content-cue-source' ? 0.7 : a.that ? 0.8 : 0.65;
    out.push(suggestion('reported-claim', text, a.content, f, confidence, `claim:${a.order}${a.that ? '+that' : ''}`));
  }
  return out;
}

/** Index of the first quote whose outer end is after `offset` (binary search). */
function firstQuoteAt(quotes: Quote[]): (offset: number) => number {
  return (offset) => {
    let lo = 0;
    let hi = quotes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (quotes[mid].outer.end <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function quoteSuggestions(text: string, quotes: Quote[], sentences: Sentence[], found: Found[]): Suggestion[] {
  const bySentence = new Map<Sentence, Found[]>();
  for (const f of found) bySentence.set(f.attribution.sentence, [...(bySentence.get(f.attribution.sentence) ?? []), f]);
  let si = 0;
  const attributed: (Found | undefined)[] = quotes.map((q) => {
    while (si < sentences.length && sentences[si].end <= q.inner.start) si++;
    const inSentence = si < sentences.length ? bySentence.get(sentences[si]) ?? [] : [];
    return inSentence.find((f) => f.attribution.content.start <= q.inner.end && f.attribution.content.end >= q.inner.end - 1 && f.attribution.content.start < q.outer.end)
      ?? inSentence.find((f) => f.attribution.cueSpan.end <= q.outer.start && q.outer.start - f.attribution.cueSpan.end < 60 && f.attribution.content.start <= q.outer.start + 1);
  });
  const breaks = lineBreaks(text);
  const paragraphOf = (q: Quote) => lineStartBefore(breaks, q.outer.start);
  const nextBreakAfter = (offset: number) => {
    const i = lineStartBefore(breaks, offset) + 1; // the first break at or after offset
    return i < breaks.length ? breaks[i] : -1;
  };
  const firstAttributedOfChain = new Map<number, number>();
  for (const [j, q] of quotes.entries()) if (attributed[j] && !firstAttributedOfChain.has(q.chain)) firstAttributedOfChain.set(q.chain, j);
  const out: Suggestion[] = [];
  for (const [i, q] of quotes.entries()) {
    let f = attributed[i];
    let rule = 'quote:attributed';
    let confidence = 0.9;
    if (!f) {
      // The same quotation over paragraphs, or the next/previous quote of the same paragraph.
      const sameChain = firstAttributedOfChain.get(q.chain) ?? -1;
      const neighbours = [i + 1, i - 1].filter((j) => j >= 0 && j < quotes.length && attributed[j] && paragraphOf(quotes[j]) === paragraphOf(q) && Math.abs(quotes[j].outer.start - q.outer.start) < 1500);
      const j = sameChain !== -1 && Math.abs(sameChain - i) < 20 ? sameChain : neighbours[0];
      if (j !== undefined && j !== -1) {
        f = attributed[j];
        rule = 'quote:same-speaker-as-next-quote';
        confidence = 0.75;
      }
    }
    if (!f) {
      // A paragraph that is only a quotation continues the speaker of the paragraph before.
      const p = breaks[paragraphOf(q)] ?? -1;
      const nextBreak = nextBreakAfter(q.outer.end);
      if (q.outer.start - p <= 3 && (nextBreak === -1 ? text.length : nextBreak) - q.outer.end <= 3) {
        let k = lastFoundBefore(found, p);
        for (let steps = 0; k >= 0 && !found[k].source.speaker && steps < 20; steps++) k--;
        if (k >= 0 && !found[k].source.speaker) k = -1;
        if (k >= 0 && p - found[k].attribution.sentence.end < 400) {
          f = found[k];
          rule = 'quote:paragraph-after-speaker';
          confidence = 0.65;
        }
      }
    }
    const words = text.slice(q.inner.start, q.inner.end).split(/\s+/).length;
    if (!f) {
      if (words < 5) continue;
      out.push({ ...bare('direct-quote', text, q.inner, 0.5, 'quote:unattributed', 'quoted words of five or more with no cue near them'), sourcing: 'unattributed' });
      continue;
    }
    out.push(suggestion('direct-quote', text, q.inner, f, confidence, rule));
  }
  return out;
}

/** "X has opened an inquiry, it said": an organisation named at the content's start. */
function contentSubject(a: Attribution): Source | undefined {
  const t = a.sentence.tokens.filter((w) => w.start >= a.content.start && w.end <= a.content.end);
  let k = t[0]?.lower === 'the' ? 1 : 0;
  const from = k;
  while (k < t.length && t[k].pos === 'PROPN') k++;
  if (k - from < 1) return undefined;
  const name = phrase(t.slice(0, k));
  return { speaker: name, sourcing: 'named', person: false, phrase: name, at: a.cueSpan.start };
}

/** Offsets of every line break, ascending. */
function lineBreaks(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i);
  return out;
}

/** Index in `breaks` of the last line break before `offset`, or -1 (binary search). */
function lineStartBefore(breaks: number[], offset: number): number {
  let lo = 0;
  let hi = breaks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (breaks[mid] < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Index of the last attribution whose cue is before `offset` (binary search), or -1. */
function lastFoundBefore(found: Found[], offset: number): number {
  let lo = 0;
  let hi = found.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (found[mid].attribution.cueSpan.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function opinionSuggestions(text: string, sentences: Sentence[], quotes: Quote[], found: Found[]): Suggestion[] {
  const blanks: Span[] = [...quotes.map((q) => q.outer), ...found.map((f) => f.attribution.content)].sort((a, b) => a.start - b.start);
  const out: Suggestion[] = [];
  let bi = 0;
  for (const sentence of sentences) {
    while (bi < blanks.length && blanks[bi].end <= sentence.start) bi++;
    const inside: Span[] = [];
    for (let k = bi; k < blanks.length && blanks[k].start < sentence.end && inside.length < 50; k++) inside.push(blanks[k]);
    for (const c of opinionCandidates(text, sentence, inside)) {
      const words = c.hits.map((h) => `“${h.words}” (${h.family})`).join(', ');
      out.push(bare('opinion', text, c, c.confidence, 'opinion:loaded-words', `the author's own words outside quotes: ${words}`));
    }
  }
  return out;
}

function bare(type: Suggestion['type'], text: string, s: Span, confidence: number, rule: string, explanation: string): Suggestion {
  return { id: `${type}:${s.start}-${s.end}`, type, start: s.start, end: s.end, exact: text.slice(s.start, s.end), score: confidence, confidence, rule, explanation };
}

/** The attribution behind a quote or claim suggestion: its explanation is written only if it is listed. */
const FOUND = new WeakMap<Suggestion, Found>();

function suggestion(type: Suggestion['type'], text: string, s: Span, f: Found, confidence: number, rule: string): Suggestion {
  const src = f.source;
  const out: Suggestion = {
    ...bare(type, text, s, src.sourcing === 'unattributed' && f.attribution.source ? confidence - 0.15 : confidence, rule, ''),
    ...(src.speaker ? { speaker: src.speaker } : {}), ...(src.role ? { role: src.role } : {}), cue: f.attribution.cue, sourcing: src.sourcing,
  };
  FOUND.set(out, f);
  return out;
}

function dedupe(list: Suggestion[]): Suggestion[] {
  const seen = new Map<string, Suggestion>();
  for (const s of list) {
    const prev = seen.get(s.id);
    if (!prev || prev.confidence < s.confidence) seen.set(s.id, s);
  }
  return [...seen.values()];
}
