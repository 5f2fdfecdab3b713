/** Where a problem was found: a file name and, for line-based formats, a 1-based line number. */
export interface Place {
  file: string;
  line?: number;
}

export interface SkippedItem extends Place {
  /** What was skipped: a label, a brat line id, a document... */
  item: string;
  reason: string;
}

export interface ImportError extends Place {
  message: string;
}

/** What an import did, or would have done when it stopped at errors. */
export interface ImportReport {
  format: string;
  /** False when errors stopped the import (nothing was written). */
  committed: boolean;
  documents: { imported: number; revised: number; unchanged: number };
  labels: { imported: number };
  typesAdded: string[];
  skipped: SkippedItem[];
  errors: ImportError[];
  /** Things done that a user should know about (joined brat fragments, duplicates dropped...). */
  notes: string[];
}

export function emptyImportReport(format: string): ImportReport {
  return { format, committed: false, documents: { imported: 0, revised: 0, unchanged: 0 }, labels: { imported: 0 }, typesAdded: [], skipped: [], errors: [], notes: [] };
}

/** What an export left out or changed, per reason; printed by the CLI and appended by CoNLL. */
export interface ExportReport {
  documents: number;
  labels: number;
  /** Labels not written because the format cannot hold them, with the reason. */
  omitted: { labelId: string; documentId: string; reason: string }[];
}

/** One line per problem, `file:line: message`, for the CLI and the import page. */
export function placeOf(p: Place): string {
  return p.line === undefined ? p.file : `${p.file}:${p.line}`;
}
