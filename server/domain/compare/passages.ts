import type { CorpusDocument, Passage } from './types.js';
import { tokenize, type Token } from './tokens.js';
import { isContentWord } from './stopwords.js';
import { sentences } from './sentences.js';
import { quotedRanges } from './quotes.js';

/** A passage needs at least this many content words to render a statement on its own. */
export const MIN_CONTENT_WORDS = 3;

/**
 * The passages of one document, labelled spans first, then quotations, then sentences (the
 * same text may appear in several). Offsets are UTF-16; the tokens are those of the passage's range.
 */
export function documentPassages(doc: CorpusDocument, docIndex: number, ids: WordIds = new WordIds()): Passage[] {
  const tokens = tokenize(doc.text);
  const out: Passage[] = [];
  const seen = new Set<string>();
  const add = (kind: Passage['kind'], start: number, end: number, labelId?: string) => {
    const key = `${start}:${end}`;
    if (seen.has(key)) return;
    const passage = toPassage(docIndex, kind, start, end, tokensIn(tokens, start, end), ids, labelId);
    if (!passage) return;
    seen.add(key);
    out.push(passage);
  };
  for (const l of doc.labels) {
    if (l.anchor.state !== 'orphaned' && l.end <= doc.text.length) add('label', l.start, l.end, l.id);
  }
  for (const q of quotedRanges(doc.text)) add('quote', q.start, q.end);
  for (const s of sentences(doc.text)) add('sentence', s.start, s.end);
  return out;
}

/** A passage over `tokens` (those of [start, end), UTF-16); `null` when it has too few content words. */
export function toPassage(doc: number, kind: Passage['kind'], start: number, end: number, tokens: Token[], ids: WordIds, labelId?: string): Passage | null {
  const content = tokens.filter((t) => isContentWord(t.norm)).map((t) => ids.of(t.norm));
  if (content.length < MIN_CONTENT_WORDS) return null;
  return { doc, kind, start, end, tokens, content: Int32Array.from(content).sort(), ...(labelId ? { labelId } : {}) };
}

/** Numbers words, so passages can compare their content words as sorted integer arrays. */
export class WordIds {
  private readonly ids = new Map<string, number>();

  of(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) this.ids.set(word, (id = this.ids.size));
    return id;
  }
}

/** Tokens lying wholly inside [start, end); `tokens` are sorted by offset. */
export function tokensIn(tokens: Token[], start: number, end: number): Token[] {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].start < start) lo = mid + 1;
    else hi = mid;
  }
  const out: Token[] = [];
  for (let i = lo; i < tokens.length && tokens[i].end <= end; i++) out.push(tokens[i]);
  return out;
}
