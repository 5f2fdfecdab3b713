import type { Sentence, Span, Token } from './types.js';
import { CUE_HINT, cueLemma, isReporting, PASSIVE_FRAME, QUOTE_ONLY, TELLING, THAT_ONLY } from './cues.js';
import { MAX_SENTENCE_CHARS } from './text-analysis.js';

/**
 * Attribution structure after PARC / PolNeAR: a source, a cue and a content, in every order —
 * source-cue-content ("Blinken said [that] Russia…"), content-cue-source ("…, Blinken said."),
 * cue-source-content ("According to officials, …") and sourceless passives ("it was reported
 * that …"). Offsets are UTF-16 code units. Content ends at its clause or sentence end.
 * Every search looks a bounded number of tokens around a cue, so a sentence costs O(tokens).
 */
export interface Attribution {
  /** Tokens of the source phrase (absent for passives). */
  source?: Token[];
  cue: string;
  cueLemma: string;
  cueSpan: Span;
  content: Span;
  order: 'source-cue-content' | 'content-cue-source' | 'according-to' | 'passive';
  /** "that" was there (a that-less complement is less sure). */
  that: boolean;
  /** Quote-only cues ("called it “…”") attribute quotations, never claims. */
  quoteOnly: boolean;
  sentence: Sentence;
}

const MAX_SOURCE_TOKENS = 16;
const MAX_SKIP = 30;
const NP_POS = new Set(['PROPN', 'NOUN', 'ADJ', 'DET', 'NUM', 'PART']);
const NP_INNER = new Set(['of', 'for', 'at', 'to', 'with', 'from', 'in', 'on', 'familiar', 'close', 'and', 'by', 'released', 'published', 'led', 'polled', 'briefed']);
const ADVERBIALS = new Set(['also', 'later', 'then', 'previously', 'privately', 'publicly', 'again', 'earlier', 'repeatedly', 'once', 'further', 'still', 'separately', 'quickly', 'flatly', 'has', 'have', 'had', 'is', 'was', 'were', 'are', 'been', 'be', 'will', 'would', 'may', 'might', 'not', 'never', 'in', 'the', 'meantime']);
const PP_HEADS = new Set(['on', 'in', 'at', 'during', 'after', 'before', 'to', 'with', 'from', 'outside', 'via', 'of', 'about', 'over', 'last', 'this', 'late', 'early', 'by']);
const DAYS = /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tonight|week|month|year|morning|evening|night|afternoon)$/i;
const PRONOUNS = new Set(['he', 'she', 'they', 'it', 'we', 'i']);
const CLAUSE_BREAK_AFTER_COMMA = /^(?:adding|saying|according|calling|though|although|while|whereas|as|but|a|an|before|after|in|noting|arguing|warning)$/;
const QUOTE_MARK = /^[“”"]$/;

export function attributionsIn(sentence: Sentence, inQuote: (offset: number) => boolean, text: string): Attribution[] {
  if (sentence.end - sentence.start > MAX_SENTENCE_CHARS) return [];
  if (!CUE_HINT.test(text.slice(sentence.start, sentence.end))) return [];
  const t = sentence.tokens;
  const out: Attribution[] = [];
  for (let i = 0; i < t.length; i++) {
    if (inQuote(t[i].start)) continue;
    if (t[i].lower === 'according' && t[i + 1]?.lower === 'to') {
      const a = accordingTo(sentence, i, text);
      if (a) out.push(a);
      continue;
    }
    const lemma = cueLemma(t[i].lower, t[i].lemma);
    if (!lemma || !isCueToken(t, i)) continue;
    // "Haass says that Putin's demands indicate that …": a weak cue inside a content reports nothing new.
    if (THAT_ONLY.has(lemma) && out.some((a) => a.content.start <= t[i].start && t[i].start < a.content.end)) continue;
    const a = verbAttribution(sentence, i, lemma, out.at(-1), inQuote);
    if (a) {
      out.push(a);
      const more = andThat(sentence, a);
      if (more) out.push(more);
    }
  }
  PASSIVE_FRAME.lastIndex = 0;
  const slice = text.slice(sentence.start, sentence.end);
  for (let m = PASSIVE_FRAME.exec(slice); m; m = PASSIVE_FRAME.exec(slice)) {
    const startOffset = sentence.start + m.index + m[0].length;
    const j = t.findIndex((tok) => tok.start >= startOffset);
    if (j === -1) break;
    const end = clauseEnd(t, j);
    if (end > j) out.push({ cue: m[0].trim().replace(/ that$/, ''), cueLemma: m[1], cueSpan: { start: sentence.start + m.index, end: startOffset }, content: span(t, j, end), order: 'passive', that: true, quoteOnly: false, sentence });
  }
  return out;
}

function isCueToken(t: Token[], i: number): boolean {
  const tok = t[i];
  if (tok.pos !== 'VERB' && !(/^(?:said|says|told|tells)$/.test(tok.lower))) return false;
  const prev = t[i - 1]?.lower;
  if (prev === 'to' && /^(?:declined|refused|wanted|want|wants|failed|hesitated|able|unable|going|ready)$/.test(t[i - 2]?.lower ?? '')) return false; // "declined to say"
  if (t[i + 1]?.text === ':' && /^(?:'re|are|they)$/.test(t[i - 1]?.lower ?? '')) return false; // "What they're saying:" labels a section
  if (prev === 'was' && t[i - 2]?.lower === 'it') return false; // a passive frame, read below
  if (/^(?:so|well)-?$/.test(prev ?? '') || t[i + 1]?.text === '-') return false; // "so-called"
  return true;
}

function span(t: Token[], from: number, to: number): Span {
  return { start: t[from].start, end: t[to - 1].end };
}

/** Where a content that starts at token `from` ends (exclusive): the clause end. */
function clauseEnd(t: Token[], from: number): number {
  let depth = 0;
  for (let j = from; j < t.length; j++) {
    const w = t[j];
    if (w.text === '“') depth++;
    else if (w.text === '”') depth = Math.max(0, depth - 1);
    if (depth > 0) continue;
    if (w.text === ';' || w.text === '—' || (w.text === '.' && j === t.length - 1) || w.text === '?' || w.text === '!') return trimEnd(t, from, j);
    if (w.text === ',' && t[j + 1]) {
      const next = t[j + 1];
      if (CLAUSE_BREAK_AFTER_COMMA.test(next.lower) || (PRONOUNS.has(next.lower) && cueLemma(t[j + 2]?.lower ?? '', t[j + 2]?.lemma ?? '')) || (next.lower === 'and' && t[j + 2]?.lower === 'that')) return trimEnd(t, from, j);
      if (next.pos === 'PROPN' && t.slice(j + 1, j + 5).some((x) => isReporting(cueLemma(x.lower, x.lemma) ?? '')) && j + 6 >= t.length) return trimEnd(t, from, j);
    }
  }
  return trimEnd(t, from, t.length);
}

function trimEnd(t: Token[], from: number, to: number): number {
  while (to > from && /^[.,:]$/.test(t[to - 1].text)) to--;
  return to;
}

/** A noun phrase ending at token `end` (inclusive), read leftwards; `null` when there is none. */
function nounPhraseLeft(t: Token[], end: number): number | null {
  if (end < 0) return null;
  if (PRONOUNS.has(t[end].lower)) return end;
  let i = end;
  let count = 0;
  while (i >= 0 && count < MAX_SOURCE_TOKENS) {
    const w = t[i];
    const ok = NP_POS.has(w.pos) || NP_INNER.has(w.lower) || w.text === "'s" || w.text === '’s' || w.text === '-' || (w.pos === 'ADP' && NP_INNER.has(w.lower));
    if (!ok || w.lower === 'that' || QUOTE_MARK.test(w.text)) break;
    i--;
    count++;
  }
  let start = i + 1;
  while (start <= end && (/^[-–•*]+$/.test(t[start].text) || t[start].pos === 'ADP' || t[start].pos === 'CCONJ' || t[start].lower === 'and' || t[start].pos === 'PART')) start++;
  if (start > end) return null;
  const head = t[end];
  if (!(head.pos === 'NOUN' || head.pos === 'PROPN' || /^\p{Lu}/u.test(head.text))) return null;
  return start;
}

/** Skips adverbs, auxiliaries and time phrases left of a cue ("Blinken on Wednesday also said"). */
function skipLeft(t: Token[], i: number): number {
  let k = i - 1;
  for (let guard = 0; guard < 8 && k >= 0; guard++) {
    const w = t[k];
    if (ADVERBIALS.has(w.lower) || w.pos === 'ADV' || w.pos === 'AUX') k--;
    else if (DAYS.test(w.text) && (t[k - 1]?.lower === 'on' || t[k - 1]?.lower === 'last' || t[k - 1]?.pos === 'PROPN' || t[k - 1]?.pos === 'NOUN')) k -= t[k - 1]?.lower === 'on' || t[k - 1]?.lower === 'last' ? 2 : 1;
    else break;
  }
  return k;
}

/** The source left of a cue: its first and last token, or `null`. */
function sourceLeft(t: Token[], cue: number): [number, number] | null {
  let k = skipLeft(t, cue);
  if (k < 0) return null;
  if ((t[k].lower === 'which' || t[k].lower === 'who') && t[k - 1]?.text === ',') {
    const start = nounPhraseLeft(t, k - 2); // "…, according to the ministry, which said …"
    return start === null ? null : [start, k - 2];
  }
  if (t[k].text === ',') {
    // "Blinken, speaking at …, said" / "A nurse, who spoke on condition…, said" / "Peskov's spokesman, Dmitry Peskov, said"
    let open = k - 1;
    while (open >= 0 && k - open < MAX_SKIP && t[open].text !== ',') open--;
    if (open < 0 || t[open].text !== ',') return null;
    const inner = t.slice(open + 1, k);
    const before = nounPhraseLeft(t, open - 1);
    if (before === null) return null;
    const isParenthetical = inner.some((w) => w.pos === 'VERB' || w.pos === 'AUX' || /^(?:who|which|whose|where)$/.test(w.lower));
    if (isParenthetical) return [before, open - 1];
    if (/^\d+$/.test(inner[0]?.text ?? '')) return [before, open - 1]; // "Ames, 61, said"
    const innerStart = nounPhraseLeft(t, k - 1);
    return innerStart === open + 1 ? [before, k - 1] : null; // an apposition: the whole "X, Y"
  }
  const start = nounPhraseLeft(t, k);
  return start === null ? null : [start, k];
}

/** The source right of a cue ("…,” said Marta Oyelaran, president of …"): up to the next comma. */
function sourceRight(t: Token[], from: number): [number, number] | null {
  let j = from;
  while (j < t.length && j - from < MAX_SOURCE_TOKENS && (NP_POS.has(t[j].pos) || NP_INNER.has(t[j].lower) || t[j].pos === 'PRON')) {
    if (t[j].pos === 'PRON' && j > from) break;
    j++;
    if (t[j - 1].pos === 'PRON') break;
  }
  while (j > from && (t[j - 1].pos === 'ADP' || t[j - 1].lower === 'and')) j--;
  return j > from ? [from, j - 1] : null;
}

/** After the cue: a hearer ("told reporters"), time and place phrases, "in a statement". */
function skipRight(t: Token[], from: number, lemma: string, hearer = true): number {
  let j = from;
  if (hearer && TELLING.has(lemma) && j < t.length && t[j].lower !== 'that') {
    const hearer = j;
    // The hearer ends where the content's subject starts: a new determiner, or a noun before its verb.
    while (j < t.length && j - hearer < 6 && (NP_POS.has(t[j].pos) || (t[j].pos === 'PRON' && j === hearer)) && t[j].lower !== 'that'
      && !(j > hearer && t[j].pos === 'DET') && !(j > hearer && (t[j + 1]?.pos === 'AUX' || t[j + 1]?.pos === 'VERB'))) {
      j++;
      if (t[j - 1].pos === 'PRON') break;
    }
  }
  for (let guard = 0; guard < 4 && j < t.length; guard++) {
    const w = t[j];
    if (/^(?:how|why|whether|when|where|what|who|if)$/.test(w.lower)) return t.length; // "explained how …" reports no claim
    if (ADVERBIALS.has(w.lower) && w.pos !== 'AUX' && !/^(?:in|the|not|never|be|been|is|was|were|are|has|have|had|will|would|may|might)$/.test(w.lower) || w.pos === 'ADV' && w.lower !== 'that') { j++; continue; }
    if (DAYS.test(w.text)) { j++; continue; }
    if (PP_HEADS.has(w.lower)) {
      let k = j + 1;
      while (k < t.length && k - j < 9 && (NP_POS.has(t[k].pos) || /^(?:of|to|for|with|by)$/.test(t[k].lower)) && t[k].lower !== 'that') k++;
      if (k === j + 1) break;
      j = k;
      continue;
    }
    break;
  }
  return j;
}

function hasVerbAhead(t: Token[], from: number): boolean {
  for (let k = from; k < t.length && k < from + 14; k++) {
    if (t[k].pos === 'VERB' || t[k].pos === 'AUX') return k > from;
    if (t[k].text === ',' || t[k].text === '.') return false;
  }
  return false;
}

/** The start of the clause a left content begins at: the sentence start after a "Label:" or bullet. */
function clauseStartLeft(t: Token[], before: number, previous: Attribution | undefined): number {
  let s = 0;
  for (let k = 0; k < Math.min(before, 8); k++) if (t[k].text === ':') s = k + 1;
  while (s < before && /^[-–•*]$/.test(t[s].text)) s++;
  if (previous && previous.content.end <= t[before]?.start) {
    const after = t.findIndex((w) => w.start >= previous.cueSpan.end);
    if (after > s && after < before) s = after;
  }
  return s;
}

function verbAttribution(sentence: Sentence, i: number, lemma: string, previous: Attribution | undefined, inQuote: (o: number) => boolean): Attribution | null {
  const t = sentence.tokens;
  const quoteOnly = (QUOTE_ONLY as readonly string[]).includes(lemma) && !isReporting(lemma);
  const base = { cue: t[i].text, cueLemma: lemma, cueSpan: span(t, i, i + 1), quoteOnly, sentence };
  let left = sourceLeft(t, i);
  let right: [number, number] | null = null;
  // "…, adding that" / "by saying that": the subject of the sentence speaks.
  const participle = /ing$/.test(t[i].lower);
  if (participle && (t[i - 1]?.text === ',' || t[i - 1]?.lower === 'by' || QUOTE_MARK.test(t[i - 1]?.text ?? ''))) {
    left = previous?.source ? null : firstSubject(t, i);
    if (!left && previous?.source) {
      const j = skipRight(t, i + 1, lemma);
      const c = contentRight(t, j, lemma, inQuote);
      return c ? { ...base, source: previous.source, content: c.span, that: c.that, order: 'source-cue-content' } : null;
    }
  }
  if (!left) {
    const prev = t[skipLeft(t, i)];
    if (!participle && prev && (prev.text === ',' || QUOTE_MARK.test(prev.text))) right = sourceRight(t, i + 1);
  }
  if (left) {
    // "warned the airline's reputation could suffer": a possessive is the content's subject, not a hearer.
    const possessive = /^(?:his|her|its|their|our)$/.test(t[i + 1]?.lower ?? '') || (t[i + 1]?.pos === 'DET' && /^['’]s$/.test(t[i + 3]?.text ?? ''));
    const c = contentRight(t, skipRight(t, i + 1, lemma), lemma, inQuote) ?? (TELLING.has(lemma) && possessive ? contentRight(t, skipRight(t, i + 1, lemma, false), lemma, inQuote) : null);
    if (c) return { ...base, source: t.slice(left[0], left[1] + 1), content: c.span, that: c.that, order: 'source-cue-content' };
  }
  // Content first: "…, Blinken said." / "…,” said Marta Oyelaran, president of …"
  const sourceStart = left ? left[0] : i;
  let b = sourceStart - 1;
  let closedQuote = false;
  while (b >= 0 && QUOTE_MARK.test(t[b].text) && t[b].text !== '“') b--, closedQuote = true;
  if (b < 0 || !(closedQuote || t[b].text === ',' || /[,.?!]$/.test(t[b].text))) return null;
  const afterCue = right ? right[1] + 1 : skipRight(t, i + 1, lemma);
  // After a closing quotation mark anything may follow the cue ("…,” Blinken said in remarks provided by …).
  const afterQuote = closedQuote || QUOTE_MARK.test(t[b].text) || (t[b].text === ',' && QUOTE_MARK.test(t[b - 1]?.text ?? '')) || (t[b].text === ',' && QUOTE_MARK.test(t[b + 1]?.text ?? ''));
  if (!right && !afterQuote && afterCue < t.length && !/^[.,;!?]$/.test(t[afterCue].text) && !QUOTE_MARK.test(t[afterCue].text)) return null;
  const contentEndTok = t[b].text === ',' ? b : b + 1;
  const startTok = clauseStartLeft(t, contentEndTok, previous);
  if (contentEndTok <= startTok) return null;
  const source = left ? t.slice(left[0], left[1] + 1) : right ? t.slice(right[0], right[1] + 1) : undefined;
  const endTok = trimEnd(t, startTok, contentEndTok);
  if (!source || endTok <= startTok) return null; // ". , said …": nothing before the cue but marks
  return { ...base, source, content: span(t, startTok, endTok), that: false, order: 'content-cue-source' };
}

function firstSubject(t: Token[], before: number): [number, number] | null {
  let s = 0;
  while (s < before && (t[s].pos === 'ADP' || t[s].pos === 'PUNCT' || t[s].pos === 'ADV' || t[s].pos === 'CCONJ')) s++;
  let e = s;
  while (e + 1 < before && (t[e + 1].pos === 'PROPN' || t[e + 1].pos === 'NOUN')) e++;
  return e < before && (t[e].pos === 'PROPN' || PRONOUNS.has(t[e].lower)) ? [s, e] : null;
}

function contentRight(t: Token[], j: number, lemma: string, inQuote: (o: number) => boolean): { span: Span; that: boolean } | null {
  if (j >= t.length) return null;
  let that = false;
  if ((QUOTE_ONLY as readonly string[]).includes(lemma) && !isReporting(lemma)) {
    // "called it “…”", "described … as a “two-way street”": the quotation a few words on.
    for (let k = j; k < t.length && k < j + 10; k++) if (t[k].text === '“' || t[k].text === '"') return { span: span(t, k, clauseEnd(t, k)), that: false };
    return null;
  }
  if (t[j].lower === 'that' && t[j].pos !== 'DET' || (t[j].lower === 'that' && hasVerbAhead(t, j + 1))) { j++; that = true; }
  else if (t[j].text === ':' || (t[j].text === ',' && QUOTE_MARK.test(t[j + 1]?.text ?? ''))) j++;
  else if (t[j].text === ',' && j + 1 < t.length && isReporting(lemma) && !THAT_ONLY.has(lemma) && ['DET', 'PROPN', 'NOUN', 'PRON'].includes(t[j + 1].pos) && hasVerbAhead(t, j + 1)) j++; // "said in response, Russian President …"
  else if (QUOTE_MARK.test(t[j].text)) { /* the quotation itself */ }
  else if ((THAT_ONLY.has(lemma) && lemma !== 'believe') || !isReporting(lemma)) {
    return null;
  } else if (!(['DET', 'PRON', 'PROPN', 'NOUN', 'ADJ', 'NUM'].includes(t[j].pos) && hasVerbAhead(t, j))) {
    return null;
  }
  if (j >= t.length || inQuote(t[j].start) && !QUOTE_MARK.test(t[j].text)) {
    if (j < t.length && inQuote(t[j].start)) return null;
  }
  const end = clauseEnd(t, j);
  if (end <= j) return null;
  return { span: span(t, j, end), that };
}

/** "X said A, and that B": a second content for the same source. */
function andThat(sentence: Sentence, a: Attribution): Attribution | null {
  const t = sentence.tokens;
  const k = t.findIndex((w) => w.start >= a.content.end);
  if (k === -1 || t[k]?.text !== ',' || t[k + 1]?.lower !== 'and' || t[k + 2]?.lower !== 'that') return null;
  const end = clauseEnd(t, k + 3);
  return end > k + 3 ? { ...a, content: span(t, k + 3, end), that: true } : null;
}

/** "According to X, content" and "content, according to X". */
function accordingTo(sentence: Sentence, i: number, text: string): Attribution | null {
  const t = sentence.tokens;
  const base = { cue: 'according to', cueLemma: 'according to', cueSpan: span(t, i, i + 2), quoteOnly: false, sentence, that: false, order: 'according-to' as const };
  let j = i + 2;
  // The source runs to the comma after which a clause (with a verb) starts.
  let end = -1;
  for (let k = j; k < t.length && k - j < 20; k++) {
    if (t[k].text === ',' && hasVerbAhead(t, k + 1)) { end = k; break; }
    if (t[k].text === '.' || t[k].text === ';') { end = k; break; }
  }
  if (end === -1) end = Math.min(t.length, j + MAX_SOURCE_TOKENS);
  const source = t.slice(j, end).filter((w) => w.text !== ',' || true);
  if (!source.length) return null;
  const atStart = clauseStartLeft(t, i, undefined) === i;
  if (atStart && t[end]?.text === ',') {
    const c = clauseEnd(t, end + 1);
    const named = trimSource(source);
    return c > end + 1 && named.length ? { ...base, source: named, content: span(t, end + 1, c) } : null;
  }
  let b = i - 1;
  if (t[b]?.text !== ',') return null;
  const s = clauseStartLeft(t, b, undefined);
  if (b <= s) return null;
  void text;
  const contentEnd = trimEnd(t, s, b);
  if (contentEnd <= s) return null; // nothing but punctuation before ", according to"
  const named = trimSource(t.slice(j, Math.min(t.length, j + MAX_SOURCE_TOKENS)).filter((w, k, all) => k < all.findIndex((x) => x.text === ',' || x.text === '.') || all.findIndex((x) => x.text === ',' || x.text === '.') === -1));
  if (!named.length) return null; // "according to" with nobody after it
  return { ...base, source: named, content: span(t, s, contentEnd) };
}

function trimSource(tokens: Token[]): Token[] {
  let e = tokens.length;
  while (e > 0 && /^[,.;:]$/.test(tokens[e - 1].text)) e--;
  return tokens.slice(0, e);
}
