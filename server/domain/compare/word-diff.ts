import { diffArrays } from 'diff';
import type { DiffPart, RenderingKind } from './types.js';
import { tokenize } from './tokens.js';

/** A word of a rendering as the diff sees it: its normalised form and its raw text with what follows it. */
export interface DiffWord {
  norm: string;
  text: string;
}

/** Longest edit script looked for; past it the whole rendering counts as changed. */
const MAX_EDIT = 400;

/**
 * The words of `text` for diffing: each normalised word with its raw text and the punctuation and
 * space after it; the second half of a contraction has empty text ("We've" → "we" "We've", "have" "").
 */
export function diffWords(text: string): DiffWord[] {
  const tokens = tokenize(text);
  return tokens.map((t, i) => {
    const shared = i > 0 && tokens[i - 1].start === t.start;
    let j = i + 1;
    while (j < tokens.length && tokens[j].start === t.start) j++; // no slice: that was quadratic in words
    return { norm: t.norm, text: shared ? '' : text.slice(t.start, j < tokens.length ? tokens[j].start : text.length) };
  });
}

export interface WordDiff {
  parts: DiffPart[];
  kind: RenderingKind;
  similarity: number;
}

/**
 * Word-level diff (jsdiff `diffArrays`, words equal when their normalised forms are) from the
 * reference rendering to another. Same and added runs carry the rendering's own text, removed runs
 * the reference's, so reading same + added gives the rendering back exactly (from its first word).
 */
export function wordDiff(reference: string, rendering: string): WordDiff {
  return diffWordLists(diffWords(reference), diffWords(rendering));
}

/** `wordDiff` over words already split with `diffWords`. */
export function diffWordLists(from: DiffWord[], to: DiffWord[]): WordDiff {
  const changes = diffArrays(from, to, { comparator: (x, y) => x.norm === y.norm, maxEditLength: MAX_EDIT }) ?? [
    { removed: true, added: false, count: from.length, value: from },
    { removed: false, added: true, count: to.length, value: to },
  ];
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  let same = 0;
  let added = 0;
  let removed = 0;
  for (const c of changes) {
    if (c.count === 0) continue;
    if (c.removed) {
      push(parts, 'removed', from.slice(i, i + c.count));
      i += c.count;
      removed += c.count;
    } else if (c.added) {
      push(parts, 'added', to.slice(j, j + c.count));
      j += c.count;
      added += c.count;
    } else {
      push(parts, 'same', to.slice(j, j + c.count));
      i += c.count;
      j += c.count;
      same += c.count;
    }
  }
  const kind: RenderingKind = added > 0 ? 'altered' : removed > 0 ? 'cut' : 'verbatim';
  const total = from.length + to.length;
  return { parts, kind, similarity: total === 0 ? 1 : Math.round((2 * same * 1000) / total) / 1000 };
}

function push(parts: DiffPart[], op: DiffPart['op'], words: DiffWord[]): void {
  const text = words.map((w) => w.text).join('');
  if (text === '') return;
  const last = parts[parts.length - 1];
  if (last && last.op === op) last.text += text;
  else parts.push({ op, text });
}
