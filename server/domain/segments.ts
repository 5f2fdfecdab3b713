import { paragraphs } from './text.js';

/** A span to draw: UTF-16 offsets into the text, end exclusive. */
export interface DrawnSpan {
  id: string;
  start: number;
  end: number;
}

/** A run of text covered by the same set of spans, outermost span first. */
export interface Segment {
  start: number;
  end: number;
  text: string;
  spanIds: string[];
}

export interface RenderedParagraph {
  start: number;
  end: number;
  segments: Segment[];
}

/** A UTF-16 range [start, end) of the text. */
export interface TextWindow {
  start: number;
  end: number;
}

const outermostFirst = (a: DrawnSpan, b: DrawnSpan) => a.start - b.start || b.end - a.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Cuts the text into paragraphs (split at line breaks) and each paragraph into segments at every
 * span boundary, so overlapping and nested spans can be drawn without nesting elements.
 * Spans are ordered outermost first: earlier start, then longer. With `window`, only the paragraphs
 * overlapping it are cut (clipped to it), so a part of a huge text costs what the part holds.
 *
 * One sweep over the sorted boundaries: each span is added once and removed once, so the cost is
 * O((spans + paragraphs) log spans + output), not spans x segments.
 */
export function segmentText(text: string, spans: DrawnSpan[], window: TextWindow = { start: 0, end: text.length }): RenderedParagraph[] {
  const ordered = spans.filter((s) => s.end > s.start && s.end > window.start && s.start < window.end).sort(outermostFirst);
  const rank = new Map(ordered.map((s, i) => [s, i]));
  const byEnd = [...ordered].sort((a, b) => a.end - b.end);
  const cuts = [...new Set(ordered.flatMap((s) => [s.start, s.end]))].sort((a, b) => a - b);
  const active = new Set<DrawnSpan>();
  let nextStart = 0;
  let nextEnd = 0;
  let nextCut = 0;
  /** Moves the sweep to `pos`: spans starting at or before it are in, spans ending at or before it are out. */
  const advance = (pos: number) => {
    while (nextStart < ordered.length && ordered[nextStart].start <= pos) active.add(ordered[nextStart++]);
    while (nextEnd < byEnd.length && byEnd[nextEnd].end <= pos) active.delete(byEnd[nextEnd++]);
  };
  const out: RenderedParagraph[] = [];
  for (const p of paragraphs(text)) {
    const start = Math.max(p.start, window.start);
    const end = Math.min(p.end, window.end);
    if (end <= start) continue;
    while (nextCut < cuts.length && cuts[nextCut] <= start) nextCut++;
    const bounds = [start];
    while (nextCut < cuts.length && cuts[nextCut] < end) bounds.push(cuts[nextCut++]);
    bounds.push(end);
    const segments: Segment[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      advance(bounds[i]);
      const spanIds = [...active].sort((a, b) => rank.get(a)! - rank.get(b)!).map((s) => s.id);
      segments.push({ start: bounds[i], end: bounds[i + 1], text: text.slice(bounds[i], bounds[i + 1]), spanIds });
    }
    out.push({ start, end, segments });
  }
  return out;
}

/**
 * Gives each span a lane (0, 1, 2...) so that spans that overlap never share one: the lane decides
 * how far below the text a span's underline sits, and stays the same along the whole span.
 */
export function assignLanes(spans: DrawnSpan[]): Map<string, number> {
  const ordered = [...spans].sort(outermostFirst);
  const laneEnds: number[] = [];
  const lanes = new Map<string, number>();
  for (const s of ordered) {
    let lane = laneEnds.findIndex((end) => end <= s.start);
    if (lane === -1) lane = laneEnds.length;
    laneEnds[lane] = s.end;
    lanes.set(s.id, lane);
  }
  return lanes;
}

/** How much one editor part may hold: characters of text and labels that start in it. */
export interface PartLimits {
  maxChars: number;
  maxLabels: number;
}

/**
 * Splits a long text into parts for the editor: each part ends at a paragraph break when one is
 * available, holds at most `maxChars` UTF-16 units and at most `maxLabels` of the given span starts
 * (a part always holds at least one paragraph piece, so a paragraph longer than `maxChars` is cut
 * at the last space before the limit, or hard at the limit). `starts` must be sorted ascending.
 * A text within both limits is one part.
 */
export function splitIntoParts(text: string, starts: number[], limits: PartLimits): TextWindow[] {
  if (text.length <= limits.maxChars && starts.length <= limits.maxLabels) return [{ start: 0, end: text.length }];
  const parts: TextWindow[] = [];
  let from = 0;
  let labelIndex = 0;
  while (from < text.length) {
    let end = Math.min(text.length, from + limits.maxChars);
    // the label limit: stop before the (maxLabels+1)-th label starting in this part
    while (labelIndex < starts.length && starts[labelIndex] < from) labelIndex++;
    const overflow = labelIndex + limits.maxLabels;
    if (overflow < starts.length && starts[overflow] < end) end = Math.max(starts[overflow], from + 1);
    if (end < text.length) {
      const brk = lastIndexWithin(text, '\n', from, end);
      if (brk > from) end = brk + 1;
      else {
        const space = lastIndexWithin(text, ' ', from, end);
        if (space > from) end = space + 1;
      }
    }
    parts.push({ start: from, end });
    from = end;
  }
  return parts;
}

/**
 * The last index of the one-unit `char` in [from, end), or -1. Unlike `lastIndexOf`, it never reads
 * before `from`: a text without line breaks costs each part its own length, not the whole text
 * before it.
 */
function lastIndexWithin(text: string, char: string, from: number, end: number): number {
  const code = char.charCodeAt(0);
  for (let i = end - 1; i >= from; i--) if (text.charCodeAt(i) === code) return i;
  return -1;
}
