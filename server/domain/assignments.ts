import type { Label } from './types.js';
import { layerOf } from './layers.js';

export type AssignmentStatus = 'assigned' | 'in progress' | 'submitted';

/** `submitted` once submitted; `in progress` once the annotator has a label in their layer; else `assigned`. */
export function assignmentStatus(submittedAt: string | undefined, labels: Pick<Label, 'annotator' | 'layer'>[], username: string): AssignmentStatus {
  if (submittedAt) return 'submitted';
  return labels.some((l) => layerOf(l) === username) ? 'in progress' : 'assigned';
}

/**
 * Deals documents to annotators round-robin: each document gets `perDocument` different
 * annotators, taken in turn from `annotators`, continuing where the previous document stopped,
 * so every annotator gets the same number of documents (within one). `perDocument` is capped at the
 * number of annotators. Documents are taken in the order given.
 */
export function dealRoundRobin(documentIds: string[], annotators: string[], perDocument: number): Record<string, string[]> {
  const n = Math.min(perDocument, annotators.length);
  const plan: Record<string, string[]> = {};
  let next = 0;
  for (const id of documentIds) {
    const chosen: string[] = [];
    for (let k = 0; k < n; k++) chosen.push(annotators[(next + k) % annotators.length]);
    next = (next + n) % Math.max(annotators.length, 1);
    plan[id] = chosen;
  }
  return plan;
}
