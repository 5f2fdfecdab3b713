import type { AnchorState, CatalogEntry, DocumentRecord, Label } from '../types.js';
import { labelsOfLayer, type LayerChoice } from '../layers.js';

/**
 * What an export includes. Empty lists mean "no restriction". Dates are `YYYY-MM-DD` and compare
 * with the document's `publishedAt` (inclusive); a document without a date is left out when a
 * date range is given.
 */
export interface ExportFilter {
  documents: string[];
  outlets: string[];
  types: string[];
  annotators: string[];
  states: AnchorState[];
  from?: string;
  to?: string;
  /** `layer=`: gold, one annotator's layer, or all; absent: gold where a document has one, else all (domain/layers.ts). */
  layer?: LayerChoice;
}

export const NO_FILTER: ExportFilter = { documents: [], outlets: [], types: [], annotators: [], states: [] };

/** Whether a document (by its catalogue entry) is in the export. */
export function includesDocument(filter: ExportFilter, entry: Pick<CatalogEntry, 'id' | 'outlet' | 'publishedAt'>): boolean {
  if (filter.documents.length && !filter.documents.includes(entry.id)) return false;
  if (filter.outlets.length && !filter.outlets.includes(entry.outlet ?? '')) return false;
  if (filter.from || filter.to) {
    const date = entry.publishedAt;
    if (!date) return false;
    if (filter.from && date < filter.from) return false;
    if (filter.to && date > filter.to) return false;
  }
  return true;
}

export function includesLabel(filter: ExportFilter, label: Label): boolean {
  if (filter.types.length && !filter.types.includes(label.type)) return false;
  if (filter.annotators.length && !filter.annotators.includes(label.annotator)) return false;
  if (filter.states.length && !filter.states.includes(label.anchor.state)) return false;
  return true;
}

/** The document with only the labels the filter keeps (a copy; the input is not changed). */
export function filterLabels(filter: ExportFilter, doc: DocumentRecord): DocumentRecord {
  return { ...doc, labels: labelsOfLayer(doc, filter.layer ?? null).filter((l) => includesLabel(filter, l)) };
}
