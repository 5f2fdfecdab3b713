import type { Token } from './conll-tokenizer.js';

export interface TaggableSpan {
  id: string;
  type: string;
  /** UTF-16 offsets. */
  start: number;
  end: number;
}

export interface Resolution {
  /** Token index ranges [first, last] per kept span, in token order. */
  kept: { span: TaggableSpan; first: number; last: number }[];
  /** Spans that lost every token they cover to a longer span. */
  dropped: TaggableSpan[];
  /** Spans kept over fewer tokens than they cover (a longer span took some). */
  trimmed: TaggableSpan[];
  /** Spans whose edges cut through a token (the whole token is tagged). */
  misaligned: TaggableSpan[];
}

/**
 * BIO allows one tag per token, so overlapping labels must be resolved. The rule: the span covering
 * more tokens wins (ties: earlier start, then type name, then id); a span keeps the longest run of
 * its tokens no longer taken, or is dropped when none is left. A token belongs to a span when
 * they share at least one character.
 */
export function resolveOverlaps(tokens: Token[], spans: TaggableSpan[]): Resolution {
  const covered = spans.map((span) => ({ span, range: tokenRange(tokens, span) }));
  const order = covered
    .filter((c) => c.range)
    .sort((a, b) => tokenCount(b.range!) - tokenCount(a.range!) || a.span.start - b.span.start || cmp(a.span.type, b.span.type) || cmp(a.span.id, b.span.id));
  const owner = new Array<number>(tokens.length).fill(-1);
  const out: Resolution = { kept: [], dropped: covered.filter((c) => !c.range).map((c) => c.span), trimmed: [], misaligned: [] };
  for (const { span, range } of order) {
    const [first, last] = range!;
    if (tokens[first].start !== span.start || tokens[last].end !== span.end) out.misaligned.push(span);
    const run = longestFreeRun(owner, first, last);
    if (!run) {
      out.dropped.push(span);
      continue;
    }
    if (run[0] !== first || run[1] !== last) out.trimmed.push(span);
    for (let t = run[0]; t <= run[1]; t++) owner[t] = out.kept.length;
    out.kept.push({ span, first: run[0], last: run[1] });
  }
  out.kept.sort((a, b) => a.first - b.first);
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function tokenCount([first, last]: [number, number]): number {
  return last - first + 1;
}

/**
 * First and last token sharing a character with the span; `null` when none does. Tokens are sorted
 * and do not overlap, so a binary search finds the first one: the cost is the span's own tokens.
 */
function tokenRange(tokens: Token[], span: { start: number; end: number }): [number, number] | null {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].end <= span.start) lo = mid + 1;
    else hi = mid;
  }
  if (lo === tokens.length || tokens[lo].start >= span.end) return null;
  let last = lo;
  while (last + 1 < tokens.length && tokens[last + 1].start < span.end) last++;
  return [lo, last];
}

function longestFreeRun(owner: number[], first: number, last: number): [number, number] | null {
  let best: [number, number] | null = null;
  let runStart = -1;
  for (let t = first; t <= last + 1; t++) {
    const free = t <= last && owner[t] === -1;
    if (free && runStart === -1) runStart = t;
    if (!free && runStart !== -1) {
      if (!best || t - 1 - runStart > best[1] - best[0]) best = [runStart, t - 1];
      runStart = -1;
    }
  }
  return best;
}
