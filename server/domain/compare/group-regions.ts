import type { Passage, PassageMatch } from './types.js';
import { UnionFind } from './union-find.js';

/** A stretch of one document that renders a statement: UTF-16 offsets, end exclusive. */
export interface Region {
  doc: number;
  start: number;
  end: number;
}

/**
 * How specific the evidence for a region is: a region found in a labelled span beats one found in a
 * quotation, which beats one found in a plain sentence; on a tie, the kind of the passage it was
 * matched with decides.
 */
const KIND_PRIORITY: Record<Passage['kind'], number> = { label: 3, quote: 2, sentence: 1 };

interface RankedRegion extends Region {
  priority: number;
}

/** Two regions of one document are one rendering when they overlap by at least this share of the shorter. */
export const SAME_RENDERING_OVERLAP = 0.5;

/**
 * Turns passage matches into statements: each match gives one region in each of its two
 * passages; regions of one document that overlap enough are one rendering; renderings linked by
 * a match, directly or through others, are one statement. A rendering's range is the union of its
 * regions from the most specific matches (labelled spans first, then quotations, then sentences),
 * so a quotation matched as such is not widened by the attribution around it ("…," the mayor said).
 * Returns the statements with at least two renderings, each as its renderings sorted by document
 * and offset.
 */
export function groupRegions(passages: ArrayLike<Pick<Passage, 'doc' | 'kind' | 'starts' | 'ends'>>, matches: PassageMatch[]): Region[][] {
  return groupMatchSides(
    matches.map((m) => [
      { ...regionOf(passages[m.a], m.aFrom, m.aTo, 0), kind: passages[m.a].kind },
      { ...regionOf(passages[m.b], m.bFrom, m.bTo, 0), kind: passages[m.b].kind },
    ]),
  );
}

/** One side of a match: its passage's document and kind, and the UTF-16 range of the aligned words. */
export interface MatchSide extends Region {
  kind: Passage['kind'];
}

/** `groupRegions` given each match's two sides (the statement index keeps their ranges, not the passages' words). */
export function groupMatchSides(sides: ReadonlyArray<readonly [MatchSide, MatchSide]>): Region[][] {
  const regions: RankedRegion[] = [];
  for (const [x, y] of sides) {
    const a = KIND_PRIORITY[x.kind];
    const b = KIND_PRIORITY[y.kind];
    regions.push({ doc: x.doc, start: x.start, end: x.end, priority: a * 4 + b }, { doc: y.doc, start: y.start, end: y.end, priority: b * 4 + a });
  }
  const sets = new UnionFind(regions.length);
  for (let i = 0; i < regions.length; i += 2) sets.union(i, i + 1);
  const byDoc = new Map<number, number[]>();
  regions.forEach((r, i) => {
    const ids = byDoc.get(r.doc);
    if (ids) ids.push(i);
    else byDoc.set(r.doc, [i]);
  });
  const sameRendering = new UnionFind(regions.length);
  for (const ids of byDoc.values()) {
    ids.sort((x, y) => regions[x].start - regions[y].start);
    for (let x = 0; x < ids.length; x++) {
      for (let y = x + 1; y < ids.length && regions[ids[y]].start < regions[ids[x]].end; y++) {
        if (overlapShare(regions[ids[x]], regions[ids[y]]) >= SAME_RENDERING_OVERLAP) {
          sets.union(ids[x], ids[y]);
          sameRendering.union(ids[x], ids[y]);
        }
      }
    }
  }
  const renderings = new Map<number, RankedRegion>();
  regions.forEach((r, i) => {
    const key = sameRendering.find(i);
    const seen = renderings.get(key);
    if (!seen || r.priority > seen.priority) renderings.set(key, { ...r });
    else if (r.priority === seen.priority) renderings.set(key, { ...seen, start: Math.min(seen.start, r.start), end: Math.max(seen.end, r.end) });
  });
  const statements = new Map<number, Region[]>();
  for (const [key, rendering] of renderings) {
    const root = sets.find(key);
    const plain: Region = { doc: rendering.doc, start: rendering.start, end: rendering.end };
    const members = statements.get(root);
    if (members) members.push(plain);
    else statements.set(root, [plain]);
  }
  return [...statements.values()]
    .filter((rs) => rs.length >= 2)
    .map((rs) => rs.sort((x, y) => x.doc - y.doc || x.start - y.start));
}

function regionOf(p: Pick<Passage, 'doc' | 'starts' | 'ends'>, from: number, to: number, priority: number): RankedRegion {
  return { doc: p.doc, start: p.starts[from], end: p.ends[to - 1], priority };
}

function overlapShare(x: Region, y: Region): number {
  const overlap = Math.min(x.end, y.end) - Math.max(x.start, y.start);
  return overlap / Math.min(x.end - x.start, y.end - y.start);
}
