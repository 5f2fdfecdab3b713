import type { Span } from './types.js';

/**
 * Quotations: the words between “ and ” (or a pair of straight " marks) in one paragraph.
 * A paragraph that ends inside an open quotation continues into the next paragraph when that one
 * opens with a quotation mark (the newspaper convention); the pieces share `chain`. Any other
 * unbalanced mark quotes nothing. Offsets are UTF-16 code units; `inner` excludes the marks.
 */
export interface Quote {
  /** The quoted words, without the marks. */
  inner: Span;
  /** Marks included. */
  outer: Span;
  /** Pieces of one quotation continued over paragraphs share this number. */
  chain: number;
}

/** A longer "quotation" is a missing closing mark, not a quote. */
export const MAX_QUOTE_CHARS = 5_000;

export function findQuotes(text: string): Quote[] {
  const out: Quote[] = [];
  let chain = 0;
  let continuing = false;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const firstMark = /^\s*(?:[-–—•*]\s*)?[“"]/.exec(text.slice(start, Math.min(end, start + 8)));
    if (!firstMark) continuing = false;
    const { quotes, openAt } = paragraphQuotes(text, start, end);
    let i = 0;
    const wasContinuing = continuing && !!firstMark;
    if (wasContinuing && quotes.length && quotes[0].outer.start - start <= 8) {
      quotes[0].chain = chain; // continues the previous paragraph's open quotation
      i = 1;
      out.push(quotes[0]);
    }
    for (; i < quotes.length; i++) quotes[i].chain = ++chain, out.push(quotes[i]);
    continuing = false;
    if (openAt !== -1) {
      // An open quotation at the paragraph's end: kept only if the next paragraph opens with a mark.
      const next = text.slice(end + 1, end + 12).replace(/^\n+/, '');
      const innerStart = openAt + 1;
      if (/^\s*[“"]/.test(next) && end - innerStart <= MAX_QUOTE_CHARS) {
        const inner = trim(text, innerStart, end);
        if (inner) {
          const sameChain = wasContinuing && quotes.length === 0 && openAt - start <= 8;
          out.push({ inner, outer: { start: openAt, end }, chain: sameChain ? chain : ++chain });
          continuing = true;
        }
      }
    }
    start = end + 1;
    // A blank line between the pieces is usual: skip empty lines without ending the chain.
    while (continuing && start < text.length && text[start] === '\n') start++;
  }
  return out;
}

/** Closed quotations in text[from, to), and where an unclosed one opens (-1 when none). */
function paragraphQuotes(text: string, from: number, to: number): { quotes: Quote[]; openAt: number } {
  const quotes: Quote[] = [];
  let openAt = -1;
  let openMark = '';
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x201c && c !== 0x201d && c !== 0x22) continue;
    const ch = text[i];
    if (openAt === -1) {
      if (ch === '”') continue; // a closing mark with nothing open
      openAt = i;
      openMark = ch;
    } else if ((openMark === '“' && ch === '”') || (openMark === '"' && ch === '"')) {
      if (i - openAt - 1 <= MAX_QUOTE_CHARS) {
        const inner = trim(text, openAt + 1, i);
        if (inner) quotes.push({ inner, outer: { start: openAt, end: i + 1 }, chain: 0 });
      }
      openAt = -1;
    } else if (openMark === '“' && ch === '“') {
      openAt = i; // the earlier one was never closed
    } else if (openMark === '"' && ch === '”') {
      openAt = -1;
    }
  }
  return { quotes, openAt };
}

/** Trims spaces and a final comma or full stop (kept: ? and !); `null` when nothing is left. */
export function trim(text: string, start: number, end: number): Span | null {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /[\s,.]/.test(text[end - 1])) end--;
  return end > start ? { start, end } : null;
}
