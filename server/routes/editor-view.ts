import { latestRevision, SOURCINGS, type DocumentRecord, type Label, type LabelTypeDef } from '../domain/types.js';
import { assignLanes, segmentText } from '../domain/segments.js';
import { historyLines } from '../domain/history.js';
import { typeName } from '../domain/label-types.js';
import type { Suggestion } from '../domain/suggestions.js';

/** Everything the editor templates need, computed here so the views stay free of logic. */
export function editorView(doc: DocumentRecord, types: LabelTypeDef[], user: string, speakers: string[], suggestions: Suggestion[] = []) {
  const latest = latestRevision(doc);
  const labels = [...doc.labels].sort((a, b) => a.start - b.start || b.end - a.end);
  const anchored = labels.filter((l) => l.anchor.state !== 'orphaned');
  const lanes = assignLanes(anchored);
  const byId = new Map<string, Label>(anchored.map((l) => [l.id, l]));
  const suggestionSpans = suggestions.map((sg) => ({ id: `sugg:${sg.id}`, start: sg.start, end: sg.end }));
  const paragraphs = segmentText(latest.text, [...anchored, ...suggestionSpans]).map((p) => ({
    ...p,
    segments: p.segments.map((s) => ({
      ...s,
      suggestions: s.spanIds.filter((id) => id.startsWith('sugg:')).map((id) => id.slice('sugg:'.length)),
      layers: s.spanIds
        .filter((id) => byId.has(id))
        .map((id) => ({ id, type: byId.get(id)!.type, lane: Math.min(lanes.get(id)!, 5), needsReview: byId.get(id)!.anchor.state === 'fuzzy' }))
        .sort((a, b) => b.lane - a.lane),
    })),
  }));
  return {
    title: doc.meta.title,
    mainClass: 'wide',
    doc,
    rev: latest.rev,
    user,
    types,
    typeName: (id: string) => typeName(types, id),
    sourcings: SOURCINGS,
    speakers,
    labels: anchored,
    needsReview: anchored.filter((l) => l.anchor.state === 'fuzzy').length,
    orphaned: labels.filter((l) => l.anchor.state === 'orphaned'),
    history: historyLines(doc.events, types, 50),
    paragraphs,
    suggestions,
  };
}
