/** A token: UTF-16 [start, end) into the text. */
export interface Token {
  start: number;
  end: number;
}

/**
 * Word tokens for CoNLL: a run of letters, marks and digits (with inner apostrophes, hyphens,
 * dots and commas between digits: "don't", "well-known", "3.5", "1,000"), or any other single
 * non-space character with its combining marks (punctuation, symbols; an emoji with its variation
 * selector, skin tone or zero-width-joiner sequence is one token). Whitespace separates tokens.
 */
const TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’\-.,][\p{L}\p{M}\p{N}]+)*|\S[\p{M}\p{Emoji_Modifier}]*(?:\u200D\S[\p{M}\p{Emoji_Modifier}]*)*/gu;

export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const out: Token[] = [];
  const slice = text.slice(from, to);
  for (const m of slice.matchAll(TOKEN)) out.push({ start: from + m.index, end: from + m.index + m[0].length });
  return out;
}
