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
  const steps = resolveOverlapsInSteps(tokens, spans);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/** Spans placed between pauses of `resolveOverlapsInSteps`. */
const SPANS_PER_PAUSE = 2_000;

/**
 * `resolveOverlaps` with a pause (a `yield`) after every SPANS_PER_PAUSE spans placed, so an export
 * can give the event loop a turn however many labels a document has; returns the resolution.
 */
export function* resolveOverlapsInSteps(tokens: Token[], spans: TaggableSpan[]): Generator<void, Resolution> {
  const covered: { span: TaggableSpan; range: [number, number] | null }[] = [];
  for (const span of spans) {
    covered.push({ span, range: tokenRange(tokens, span) });
    if (covered.length % SPANS_PER_PAUSE === 0) yield;
  }
  const order = covered
    .filter((c) => c.range)
    .sort((a, b) => tokenCount(b.range!) - tokenCount(a.range!) || a.span.start - b.span.start || cmp(a.span.type, b.span.type) || cmp(a.span.id, b.span.id));
  const free = new FreeTokens(tokens.length);
  const out: Resolution = { kept: [], dropped: covered.filter((c) => !c.range).map((c) => c.span), trimmed: [], misaligned: [] };
  for (const [i, { span, range }] of order.entries()) {
    if (i > 0 && i % SPANS_PER_PAUSE === 0) yield;
    const [first, last] = range!;
    if (tokens[first].start !== span.start || tokens[last].end !== span.end) out.misaligned.push(span);
    const run = free.longestRun(first, last);
    if (!run) {
      out.dropped.push(span);
      continue;
    }
    if (run[0] !== first || run[1] !== last) out.trimmed.push(span);
    free.take(run[0], run[1]);
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
 * and do not overlap, so two binary searches find them.
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
  const first = lo;
  hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].start < span.end) lo = mid + 1;
    else hi = mid;
  }
  return [first, lo - 1];
}

/**
 * Which tokens no kept span owns yet. Taken tokens are skipped in one step (union-find with path
 * halving: each taken token points past its block), so finding a span's free runs costs its free
 * tokens, not every token it covers, however many longer spans took its middle.
 */
class FreeTokens {
  /** `next[i]`: a token at or after `i` that may be free; `next[i] === i` when `i` is free. */
  private readonly next: Int32Array;

  constructor(count: number) {
    this.next = new Int32Array(count + 1);
    for (let i = 0; i <= count; i++) this.next[i] = i;
  }

  /** The first free token at or after `i` (`count` when none). */
  private firstFree(i: number): number {
    while (this.next[i] !== i) {
      this.next[i] = this.next[this.next[i]];
      i = this.next[i];
    }
    return i;
  }

  take(first: number, last: number): void {
    for (let t = first; t <= last; t++) this.next[t] = last + 1;
  }

  /** The longest run of free tokens within [first, last] (the earliest on ties), or `null`. */
  longestRun(first: number, last: number): [number, number] | null {
    let best: [number, number] | null = null;
    let t = this.firstFree(first);
    while (t <= last) {
      let end = t;
      while (end + 1 <= last && this.next[end + 1] === end + 1) end++;
      if (!best || end - t > best[1] - best[0]) best = [t, end];
      t = this.firstFree(end + 1);
    }
    return best;
  }
}
