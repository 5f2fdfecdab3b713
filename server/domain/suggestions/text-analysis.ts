import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { Sentence, Span, Token } from './types.js';

/**
 * Sentences and tokens with part of speech and lemma, from wink-nlp's English lite model
 * (sentence boundaries, POS tags and lemmas; its entity recogniser has no PERSON type, so names
 * are read from PROPN runs in speakers.ts). Offsets are UTF-16 code units into the whole text.
 *
 * Paragraphs (split at every line break) are read one at a time, so a sentence never crosses a
 * line. Texts over NLP_MAX_CHARS (hostile or book-length input) get the plain tokenizer below:
 * linear, no model, capitalisation for names. Sentence boundaries that fall inside a quotation
 * are removed (a three-sentence quote and its "…,” she said" stay one sentence).
 */
export const NLP_MAX_CHARS = 300_000;
/** A "sentence" longer than this is a list, a table or junk: rules that read sentences skip it. */
export const MAX_SENTENCE_CHARS = 2_000;

let nlp: ReturnType<typeof winkNLP> | undefined;
/** Words that may be an inflected reporting verb (lower-case, 3+ letters, not a name). */
const MAYBE_CUE = /^[a-z]{3,}$/;
function wink() {
  nlp ??= winkNLP(model, ['sbd', 'pos']);
  return nlp;
}

/**
 * Loads the model now (65-115 ms the first time, in one turn): the server calls this once it
 * listens, so the first suggestions request does not pay for it.
 */
export function loadTextModel(): void {
  wink();
}

/** Whether the model is loaded on this thread. */
export function isModelLoaded(): boolean {
  return nlp !== undefined;
}

export function analyse(text: string, quotes: Span[], useModel = text.length <= NLP_MAX_CHARS): Sentence[] {
  const out: Sentence[] = [];
  let paragraph = 0;
  for (let start = 0; start <= text.length; paragraph++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (/\S/.test(text.slice(start, Math.min(end, start + 200))) || end - start > 200) {
      if (useModel) for (const s of winkSentences(text, start, end)) out.push({ ...s, paragraph });
      else out.push(...plainSentences(text, start, end, paragraph));
    }
    start = end + 1;
  }
  return mergeAcrossQuotes(out, quotes);
}

type Bare = Omit<Sentence, 'paragraph'>;

function winkSentences(text: string, from: number, to: number): Bare[] {
  const w = wink();
  const doc = w.readDoc(text.slice(from, to));
  const values = doc.tokens().out(w.its.value) as string[];
  const pos = doc.tokens().out(w.its.pos) as string[];
  // The model's lemma only where a cue could be (a cheap pre-check on the word), so the lemmatiser runs on few tokens.
  const lemmas: (string | undefined)[] = [];
  doc.tokens().each((tok, i) => {
    if (pos[i] === 'VERB' && MAYBE_CUE.test(values[i])) lemmas[i] = tok.out(w.its.lemma as unknown as typeof w.its.value) as string;
  });
  const tokens: Token[] = [];
  let cursor = from;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let at = text.indexOf(v, cursor);
    if (at === -1 || at > cursor + 64 || at + v.length > to) at = Math.min(cursor, to);
    const end = Math.min(at + v.length, to);
    // The lite model tags some names as verbs or nouns ("Redding/VERB"): a capitalised word inside a sentence is a name.
    const capitalised = i > 0 && /^\p{Lu}/u.test(v) && values[i - 1] !== '.' && v !== 'I' && pos[i] !== 'PRON';
    tokens.push({ start: at, end, text: text.slice(at, end), lower: v.toLowerCase(), pos: capitalised && /^(?:VERB|NOUN|ADJ|ADV|ADP|NUM)$/.test(pos[i]) ? 'PROPN' : pos[i], lemma: (lemmas[i] ?? v).toLowerCase() });
    cursor = end;
  }
  const spans = doc.sentences().out(w.its.span) as unknown as [number, number][];
  return spans.map(([a, b]) => ({ start: tokens[a].start, end: tokens[b].end, tokens: withoutMarkup(tokens.slice(a, b + 1)) })).filter((s) => s.end > s.start);
}

/** Markdown emphasis and link syntax ("**Boris Johnson** [said](#)") are not words: the rules skip them. */
function withoutMarkup(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i].text;
    if (/^\*+$/.test(t) || t === '[') continue;
    if (t === ']') {
      if (tokens[i + 1]?.text === '(') {
        let k = i + 2;
        while (k < tokens.length && k < i + 12 && tokens[k].text !== ')') k++;
        if (tokens[k]?.text === ')') i = k;
      }
      continue;
    }
    out.push(tokens[i]);
  }
  return out;
}

const WORD = /[\p{L}\p{N}](?:[\p{L}\p{N}'’.-]*[\p{L}\p{N}])?|\S/gu;
const CLOSED = new Set(['a', 'an', 'the', 'this', 'that', 'these', 'those', 'his', 'her', 'its', 'their', 'our', 'my', 'some', 'several', 'two', 'three']);
const PRONOUNS = new Set(['he', 'she', 'they', 'it', 'we', 'i', 'you']);

/** A sentence whose tokens are read only when a rule asks for them (most sentences never are). */
function lazySentence(start: number, end: number, paragraph: number, read: () => Token[]): Sentence {
  let cached: Token[] | undefined;
  return { start, end, paragraph, get tokens() { return (cached ??= read()); } };
}

const SENTENCE_END = /[.!?]["”’]?(?=\s)/g;

/** Linear fallback: sentences end at . ! ? before a space; names are capitalised words; tokens on demand. */
function plainSentences(text: string, from: number, to: number, paragraph: number): Sentence[] {
  const out: Sentence[] = [];
  let start = from;
  SENTENCE_END.lastIndex = from;
  for (let m = SENTENCE_END.exec(text); start < to; m = SENTENCE_END.exec(text)) {
    const end = m && m.index < to ? m.index + 1 : to;
    while (start < end && /\s/.test(text[start])) start++;
    if (end > start) {
      const [s, e] = [start, end];
      out.push(lazySentence(s, e, paragraph, () => plainTokens(text, s, e)));
    }
    start = m && m.index < to ? m.index + m[0].length : to;
    if (!m) break;
  }
  return out;
}

function plainTokens(text: string, from: number, to: number): Token[] {
  const tokens: Token[] = [];
  const re = new RegExp(WORD.source, 'gu');
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    const v = m[0];
    const lower = v.toLowerCase();
    const pos = /^\p{P}$/u.test(v) ? 'PUNCT' : CLOSED.has(lower) ? 'DET' : PRONOUNS.has(lower) ? 'PRON' : /^\p{Lu}/u.test(v) && tokens.length > 0 ? 'PROPN' : 'NOUN';
    tokens.push({ start: m.index, end: m.index + v.length, text: v, lower, pos, lemma: lower });
  }
  return tokens;
}

/** Joins sentences whose boundary lies inside a quotation (both sorted by start). */
function mergeAcrossQuotes(sentences: Sentence[], quotes: Span[]): Sentence[] {
  const out: Sentence[] = [];
  let q = 0;
  for (const s of sentences) {
    const prev = out.at(-1);
    while (q < quotes.length && quotes[q].end <= (prev?.end ?? 0)) q++;
    const inside = prev && prev.paragraph === s.paragraph && q < quotes.length && quotes[q].start < prev.end && quotes[q].end > prev.end;
    if (inside && prev.end - prev.start < MAX_SENTENCE_CHARS * 4) {
      out[out.length - 1] = lazySentence(prev.start, s.end, prev.paragraph, () => [...prev.tokens, ...s.tokens]);
    } else out.push(s);
  }
  return out;
}
