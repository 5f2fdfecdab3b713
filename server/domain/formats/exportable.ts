import { latestRevision, type DocumentRecord, type Label } from '../types.js';
import type { ExportReport } from './report.js';

/**
 * The labels an offset-based format (brat, doccano, W3C, CoNLL) can write: those anchored on the
 * latest revision's text. Orphaned labels have no place in the text and labels of an older
 * revision point into another text; they are reported, not written.
 */
export function anchoredLabels(doc: DocumentRecord, report: ExportReport): Label[] {
  const rev = latestRevision(doc).rev;
  const out: Label[] = [];
  for (const label of sortLabels(doc.labels)) {
    if (label.anchor.state === 'orphaned') report.omitted.push({ labelId: label.id, documentId: doc.id, reason: 'orphaned: its text is gone from the latest revision' });
    else if (label.rev !== rev) report.omitted.push({ labelId: label.id, documentId: doc.id, reason: `anchored on revision ${label.rev}, not the latest (${rev})` });
    else out.push(label);
  }
  return out;
}

/** Labels in reading order: start, then longer first, then id, so every export is deterministic. */
export function sortLabels(labels: Label[]): Label[] {
  return [...labels].sort((a, b) => a.start - b.start || b.end - a.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
