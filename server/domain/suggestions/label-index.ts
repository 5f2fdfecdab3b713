import type { Span } from './types.js';

/**
 * Existing labels indexed by type and start, so "is this suggestion already labelled?" looks only
 * at labels starting near it: a label can cover half of a span only if it starts at most two span
 * lengths before it. Cost per question: O(log labels + labels starting in that window, capped).
 */
export const MAX_CHECKS_PER_SPAN = 1_000;

export class LabelIndex {
  private byType = new Map<string, Span[]>();

  constructor(labels: (Span & { type: string })[]) {
    for (const l of labels) {
      const list = this.byType.get(l.type) ?? [];
      list.push({ start: l.start, end: l.end });
      this.byType.set(l.type, list);
    }
    for (const list of this.byType.values()) list.sort((a, b) => a.start - b.start);
  }

  /** Whether a label of `type` shares at least half of the longer of it and `s`. */
  covers(type: string, s: Span): boolean {
    const list = this.byType.get(type);
    if (!list) return false;
    const len = s.end - s.start;
    let lo = 0;
    let hi = list.length;
    const from = s.start - 2 * len;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].start < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo, checks = 0; i < list.length && list[i].start < s.end && checks < MAX_CHECKS_PER_SPAN; i++, checks++) {
      const l = list[i];
      const overlap = Math.min(l.end, s.end) - Math.max(l.start, s.start);
      if (overlap > 0 && overlap / Math.max(l.end - l.start, len) >= 0.5) return true;
    }
    return false;
  }
}
