/**
 * The import CLI's input, read a piece at a time: files found under the paths given, JSONL files
 * cut into batches of lines, and each batch's report added to the running one.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join, relative, basename } from 'node:path';
import type { ImportFormat } from '../services/import.js';
import type { ImportReport, Place } from '../domain/formats/report.js';
import { isArchiveName, type NamedFile } from '../domain/formats/archive.js';

/** Lines of a JSONL file given to the import service at once: each batch is planned and written before the next is read. */
export const BATCH_LINES = 1000;

/** Formats read one record a line, so a file of them can be imported in batches of lines. */
const LINE_FORMATS = new Set(['jsonl', 'doccano']);

export interface SourceFile {
  /** As reports name it: the file's name, or its path under the folder given. */
  name: string;
  path: string;
}

/** The files named on the command line, folders walked in name order (hidden entries skipped); contents are not read here. */
export async function filesUnder(path: string): Promise<SourceFile[]> {
  if (!(await stat(path)).isDirectory()) return [{ name: basename(path), path }];
  const out: SourceFile[] = [];
  const walk = async (dir: string) => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push({ name: relative(path, full).split('\\').join('/'), path: full });
    }
  };
  await walk(path);
  return out;
}

/** jsonl for .jsonl/.json files, brat for archives and folders with .ann files, otherwise text/Markdown/HTML files. */
export function guessFormat(files: SourceFile[]): ImportFormat {
  if (files.some((f) => /\.(ann|tar|tgz|tar\.gz|zip)$/i.test(f.name))) return 'brat';
  if (files.length > 0 && files.every((f) => /\.(jsonl|ndjson|json)$/i.test(f.name))) return 'jsonl';
  return 'files';
}

/** A piece of the input given to the import service at once; `firstLine` is where its first line sits in its file (1-based). */
export interface Batch {
  files: NamedFile[];
  firstLine: number;
}

/**
 * The input in batches: a file of a line format (not an archive) is read line by line and given
 * BATCH_LINES lines at a time, so a file of any length is never held whole; other files are read
 * whole and given together, as one batch.
 */
export async function* batchesOf(files: SourceFile[], format: ImportFormat): AsyncGenerator<Batch> {
  const whole: NamedFile[] = [];
  for (const f of files) {
    if (!LINE_FORMATS.has(format) || isArchiveName(f.name)) {
      whole.push({ name: f.name, content: await readFile(f.path) });
      continue;
    }
    let lines: string[] = [];
    let firstLine = 1;
    const lineReader = createInterface({ input: createReadStream(f.path, 'utf8'), crlfDelay: Infinity });
    for await (const line of lineReader) {
      lines.push(line);
      if (lines.length < BATCH_LINES) continue;
      yield { files: [{ name: f.name, content: Buffer.from(`${lines.join('\n')}\n`) }], firstLine };
      firstLine += lines.length;
      lines = [];
    }
    if (lines.some((l) => l.trim() !== '')) yield { files: [{ name: f.name, content: Buffer.from(`${lines.join('\n')}\n`) }], firstLine };
  }
  if (whole.length) yield { files: whole, firstLine: 1 };
}

/** Adds one batch's report to the running one, with its line numbers counted from the start of its file. */
export function addReport(total: ImportReport, part: ImportReport, batch: Batch): void {
  const names = new Set(batch.files.map((f) => f.name));
  const shift = <T extends Place>(p: T): T => (p.line !== undefined && names.has(p.file) ? { ...p, line: p.line + batch.firstLine - 1 } : p);
  total.documents.imported += part.documents.imported;
  total.documents.revised += part.documents.revised;
  total.documents.unchanged += part.documents.unchanged;
  total.labels.imported += part.labels.imported;
  total.labels.existing += part.labels.existing;
  if (part.answers) total.answers = { imported: (total.answers?.imported ?? 0) + part.answers.imported, existing: (total.answers?.existing ?? 0) + part.answers.existing };
  for (const t of part.typesAdded) if (!total.typesAdded.includes(t)) total.typesAdded.push(t);
  for (const t of part.types) if (!total.types.some((x) => x.name === t.name)) total.types.push(t);
  total.skipped.push(...part.skipped.map(shift));
  total.errors.push(...part.errors.map(shift));
  total.notes.push(...part.notes);
}

/** Records written so far by a batch that the import service reports. */
export function written(report: ImportReport): number {
  return report.documents.imported + report.documents.revised + report.documents.unchanged;
}
