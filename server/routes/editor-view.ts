import { latestRevision, type DocumentRecord, type Label } from '../domain/types.js';
import { assignLanes, segmentText } from '../domain/segments.js';
import type { LabelTypeDef } from '../domain/types.js';

/** Everything the editor template needs, computed here so the view stays free of logic. */
export function editorView(doc: DocumentRecord, types: LabelTypeDef[], user: string) {
  const latest = latestRevision(doc);
  const labels = [...doc.labels].sort((a, b) => a.start - b.start || b.end - a.end);
  const anchored = labels.filter((l) => l.anchor.state !== 'orphaned');
  const lanes = assignLanes(anchored);
  const byId = new Map<string, Label>(anchored.map((l) => [l.id, l]));
  const paragraphs = segmentText(latest.text, anchored).map((p) => ({
    ...p,
    segments: p.segments.map((s) => ({
      ...s,
      layers: s.spanIds
        .map((id) => ({ id, type: byId.get(id)!.type, lane: lanes.get(id)!, needsReview: byId.get(id)!.anchor.state === 'fuzzy' }))
        .sort((a, b) => b.lane - a.lane),
    })),
  }));
  return {
    title: doc.meta.title,
    mainClass: 'wide',
    doc,
    rev: latest.rev,
    text: latest.text,
    user,
    types,
    labels: anchored,
    orphaned: labels.filter((l) => l.anchor.state === 'orphaned'),
    events: [...doc.events].reverse().slice(0, 100),
    paragraphs,
  };
}
