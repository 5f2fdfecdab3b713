/**
 * Most labels one document may hold. Every page, export and revision of a document reads all its
 * labels, so the count is bounded: a create or import that would pass it is refused whole (413),
 * nothing written.
 */
export const MAX_LABELS_PER_DOCUMENT = 20_000;

/** Why adding `adding` labels to a document holding `existing` is refused, or `null` when it fits. */
export function labelCountProblem(existing: number, adding: number, documentId?: string): string | null {
  if (existing + adding <= MAX_LABELS_PER_DOCUMENT) return null;
  const doc = documentId ? `document ${documentId}` : 'the document';
  const has = existing ? `${doc} holds ${existing.toLocaleString('en')} labels and this adds ${adding.toLocaleString('en')}` : `${doc} would hold ${adding.toLocaleString('en')} labels`;
  return `${has}; the limit is ${MAX_LABELS_PER_DOCUMENT.toLocaleString('en')} labels per document`;
}

/** The first document of a plan that would pass the limit (steps of one document added up), or `null`. */
export function planLabelCountProblem(steps: { id: string; existing: number; adding: number }[]): string | null {
  const byId = new Map<string, { existing: number; adding: number }>();
  for (const s of steps) {
    const seen = byId.get(s.id);
    byId.set(s.id, { existing: s.existing, adding: (seen?.adding ?? 0) + s.adding });
  }
  for (const [id, s] of byId) {
    const problem = labelCountProblem(s.existing, s.adding, id);
    if (problem) return problem;
  }
  return null;
}
