import { paragraphs } from '../text.js';

/** A range of text: UTF-16 offsets, end exclusive. */
export interface TextRange {
  start: number;
  end: number;
}

const BOUNDARY = /[.!?…]+["”’')\]]*\s+(?=["“‘(\[]?[\p{Lu}\p{N}])/gu;
const ABBREVIATION = /(?:^|[\s(])(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Jr|Sr|Prof|Lt|Col|Capt|Sgt|No|vs|etc|Inc|Corp|Co|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|\p{Lu})\.$/u;

/**
 * Sentences as UTF-16 ranges, trimmed of surrounding whitespace. A sentence never crosses a line
 * break; it ends at `.`, `!`, `?` or `…` (with any closing quotes or brackets) before a capital or a
 * digit, except after a title or an initial ("Mr.", "U.S.").
 */
export function sentences(text: string): TextRange[] {
  const out: TextRange[] = [];
  for (const p of paragraphs(text)) {
    const para = text.slice(p.start, p.end);
    let start = 0;
    for (const m of para.matchAll(BOUNDARY)) {
      const stop = m.index + m[0].trimEnd().length;
      if (ABBREVIATION.test(para.slice(Math.max(0, m.index - 6), m.index + 1))) continue;
      pushTrimmed(out, text, p.start + start, p.start + stop);
      start = m.index + m[0].length;
    }
    pushTrimmed(out, text, p.start + start, p.end);
  }
  return out;
}

function pushTrimmed(out: TextRange[], text: string, start: number, end: number): void {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  if (end > start) out.push({ start, end });
}

/** The smallest range made of whole sentences that holds [start, end); sentences are sorted. */
export function enclosingSentences(all: TextRange[], start: number, end: number): TextRange {
  let from = start;
  let to = end;
  for (const s of all) {
    if (s.start <= start && s.end > start) from = Math.min(from, s.start);
    if (s.start < end && s.end >= end) to = Math.max(to, s.end);
  }
  return { start: from, end: to };
}
