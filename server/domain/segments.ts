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

/**
 * Cuts the text into paragraphs (split at blank lines) and each paragraph into segments at every
 * span boundary, so overlapping and nested spans can be drawn without nesting elements.
 * Spans are ordered outermost first: earlier start, then longer.
 */
export function segmentText(text: string, spans: DrawnSpan[]): RenderedParagraph[] {
  const ordered = [...spans]
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start || b.end - a.end || a.id.localeCompare(b.id));
  const cuts = new Set<number>();
  for (const s of ordered) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  return paragraphs(text).map((p) => {
    const bounds = [p.start, ...[...cuts].filter((c) => c > p.start && c < p.end).sort((a, b) => a - b), p.end];
    const segments: Segment[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) {
      const start = bounds[i];
      const end = bounds[i + 1];
      const spanIds = ordered.filter((s) => s.start <= start && s.end >= end).map((s) => s.id);
      segments.push({ start, end, text: text.slice(start, end), spanIds });
    }
    return { start: p.start, end: p.end, segments };
  });
}

/**
 * Gives each span a lane (0, 1, 2...) so that spans that overlap never share one: the lane decides
 * how far below the text a span's underline sits, and stays the same along the whole span.
 */
export function assignLanes(spans: DrawnSpan[]): Map<string, number> {
  const ordered = [...spans].sort((a, b) => a.start - b.start || b.end - a.end || a.id.localeCompare(b.id));
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
