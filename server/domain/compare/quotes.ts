import { paragraphs } from '../text.js';
import type { TextRange } from './sentences.js';

/**
 * Quoted passages as UTF-16 ranges of the words between the marks (the marks themselves excluded).
 * Pairs are looked for inside one paragraph: “…”, "…" (straight marks taken in turns) and ‘…’ (an
 * opening ‘ after a space, a bracket or another quotation mark; a closing ’ not followed by a letter,
 * so apostrophes are not taken for quotes). An unclosed mark opens nothing.
 */
export function quotedRanges(text: string): TextRange[] {
  const out: TextRange[] = [];
  for (const p of paragraphs(text)) {
    scanDouble(text, p.start, p.end, out);
    scanSingle(text, p.start, p.end, out);
  }
  return out.sort((a, b) => a.start - b.start || b.end - a.end);
}

function scanDouble(text: string, from: number, to: number, out: TextRange[]): void {
  let open = -1;
  let openedBy = '';
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '“' && open === -1) {
      open = i;
      openedBy = c;
    } else if (c === '”' && open !== -1 && openedBy === '“') {
      push(out, text, open + 1, i);
      open = -1;
    } else if (c === '"') {
      if (open === -1) {
        open = i;
        openedBy = c;
      } else if (openedBy === '"') {
        push(out, text, open + 1, i);
        open = -1;
      }
    }
  }
}

function scanSingle(text: string, from: number, to: number, out: TextRange[]): void {
  let open = -1;
  for (let i = from; i < to; i++) {
    const c = text[i];
    if (c === '‘' && (i === from || /[\s(\[“"—–-]/.test(text[i - 1]))) open = i;
    else if (c === '’' && open !== -1 && !/\p{L}/u.test(text[i + 1] ?? '')) {
      push(out, text, open + 1, i);
      open = -1;
    }
  }
}

function push(out: TextRange[], text: string, start: number, end: number): void {
  while (start < end && /[\s,.;:]/.test(text[start])) start++;
  while (end > start && /[\s,.;:]/.test(text[end - 1])) end--;
  if (end > start) out.push({ start, end });
}

/** True when [start, end) lies inside one of the quoted ranges. */
export function isInsideQuote(quotes: TextRange[], start: number, end: number): boolean {
  return quotes.some((q) => q.start <= start && q.end >= end);
}
