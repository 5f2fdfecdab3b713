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

export function analyse(text: string, quotes: Span[], useModel = text.length <= NLP_MAX_CHARS): Sentence[] {
  const out: Sentence[] = [];
  let paragraph = 0;
  for (let start = 0; start <= text.length; paragraph++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (/\S/.test(text.slice(start, Math.min(end, start + 200))) || end - start > 200) {
      const sentences = useModel ? winkSentences(text, start, end) : plainSentences(text, start, end);
      for (const s of sentences) out.push({ ...s, paragraph });
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

/** Linear fallback: sentences end at . ! ? followed by a space and a capital; names are capitalised words. */
function plainSentences(text: string, from: number, to: number): Bare[] {
  const out: Bare[] = [];
  let tokens: Token[] = [];
  WORD.lastIndex = from;
  for (let m = WORD.exec(text); m && m.index < to; m = WORD.exec(text)) {
    const v = m[0];
    const lower = v.toLowerCase();
    const pos = /^[.!?]$/.test(v) ? 'PUNCT' : /^\p{P}$/u.test(v) ? 'PUNCT' : CLOSED.has(lower) ? 'DET' : PRONOUNS.has(lower) ? 'PRON' : /^\p{Lu}/u.test(v) && tokens.length > 0 ? 'PROPN' : 'NOUN';
    tokens.push({ start: m.index, end: m.index + v.length, text: v, lower, pos, lemma: lower });
    const next = text.slice(m.index + 1, m.index + 3);
    if (/^[.!?]$/.test(v) && /^["”’]?\s/u.test(next)) {
      out.push({ start: tokens[0].start, end: tokens.at(-1)!.end, tokens });
      tokens = [];
    }
  }
  if (tokens.length) out.push({ start: tokens[0].start, end: tokens.at(-1)!.end, tokens });
  return out;
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
      out[out.length - 1] = { ...prev, end: s.end, tokens: [...prev.tokens, ...s.tokens] };
    } else out.push(s);
  }
  return out;
}
