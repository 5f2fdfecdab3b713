import type { NamedFile } from './archive.js';
import { parseJsonLines } from './jsonl.js';
import { TooManyRecords, type DecodeContext } from './format.js';
import type { ImportReport, Place } from './report.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The file as UTF-8 text without a byte-order mark; `null` (and an error in the report) when it is not UTF-8. */
export function textOf(f: NamedFile, report: ImportReport): string | null {
  try {
    return utf8.decode(f.content).replace(/^\uFEFF/, '');
  } catch {
    report.errors.push({ file: f.name, message: 'not UTF-8 text' });
    return null;
  }
}

/** JSONL-like content: one value a line, or (doccano, W3C, Label Studio) one JSON document holding them. */
export function jsonRecords(content: string, file: string, ctx: DecodeContext, unwrap: (v: unknown) => unknown[] | null): { line?: number; value: unknown }[] {
  const lineCount = content.split('\n', ctx.maxRecords + 2).length;
  if (lineCount > ctx.maxRecords) throw new TooManyRecords(`${file} has more than ${ctx.maxRecords} lines; the limit is ${ctx.limitsText}`);
  const { values, errors } = parseJsonLines(content, file);
  if (values.length === 1 && errors.length === 0 && Array.isArray(values[0].value)) {
    // One JSON array on one line: its items are the records, as for a pretty-printed array.
    const whole = unwrap(values[0].value);
    if (whole) return whole.map((value) => ({ value }));
  }
  if (errors.length) {
    try {
      const whole = unwrap(JSON.parse(content));
      if (whole) return whole.map((value) => ({ value }));
    } catch {
      // not one JSON document either: report the lines
    }
    ctx.report.errors.push(...errors);
  }
  return values;
}

/**
 * Every JSON record of the files in order, each with its place: its line, or its position in a file
 * holding one JSON document (see `jsonRecords`). A file that is not UTF-8 is reported and skipped.
 */
export function* jsonRecordsOfFiles(files: NamedFile[], ctx: DecodeContext, unwrap: (v: unknown) => unknown[] | null): Generator<{ place: Place; value: unknown }> {
  for (const f of files) {
    const content = textOf(f, ctx.report);
    if (content === null) continue;
    const records = jsonRecords(content, f.name, ctx, unwrap);
    for (const [i, { line, value }] of records.entries()) yield { place: { file: f.name, line: line ?? i + 1 }, value };
  }
}
