import type { NamedFile } from './archive.js';
import { parseJsonLinesSteps } from './jsonl.js';
import { runSteps, TooManyRecords, type DecodeContext, type DecodeSteps } from './format.js';
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

/** Bytes of a file decoded between two pauses (about a millisecond of work). */
export const TEXT_SLICE_BYTES = 1024 * 1024;

/**
 * `textOf` in steps: a file larger than `TEXT_SLICE_BYTES` is decoded a slice at a time (a
 * streaming decoder carries a character cut by a slice's end over to the next), pausing between
 * slices. The text, and the error for a file that is not UTF-8, are those of `textOf`.
 */
export function* textOfSteps(f: NamedFile, report: ImportReport): DecodeSteps<string | null> {
  if (f.content.length <= TEXT_SLICE_BYTES) return textOf(f, report);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const pieces: string[] = [];
  try {
    for (let at = 0; at < f.content.length; at += TEXT_SLICE_BYTES) {
      pieces.push(decoder.decode(f.content.subarray(at, at + TEXT_SLICE_BYTES), { stream: true }));
      yield;
    }
    pieces.push(decoder.decode());
  } catch {
    report.errors.push({ file: f.name, message: 'not UTF-8 text' });
    return null;
  }
  return pieces.join('').replace(/^\uFEFF/, '');
}

/** JSONL-like content: one value a line, or (doccano, W3C, Label Studio) one JSON document holding them. */
export function jsonRecords(content: string, file: string, ctx: DecodeContext, unwrap: (v: unknown) => unknown[] | null): { line?: number; value: unknown }[] {
  return runSteps(jsonRecordsSteps(content, file, ctx, unwrap));
}

/** Newlines counted between two pauses while a file's lines are counted. */
const NEWLINES_PER_STEP = 4096;

/**
 * `jsonRecords` in steps: the lines are counted, then parsed one at a time, pausing between them.
 * A file holding one JSON document (not one value a line) is still parsed in one piece.
 */
export function* jsonRecordsSteps(content: string, file: string, ctx: DecodeContext, unwrap: (v: unknown) => unknown[] | null): DecodeSteps<{ line?: number; value: unknown }[]> {
  // As `content.split('\n').length > ctx.maxRecords`, without making the pieces and stopping at the limit.
  let newlines = 0;
  for (let at = content.indexOf('\n'); at !== -1 && newlines < ctx.maxRecords; at = content.indexOf('\n', at + 1)) {
    if (++newlines % NEWLINES_PER_STEP === 0) yield;
  }
  if (newlines + 1 > ctx.maxRecords) throw new TooManyRecords(`${file} has more than ${ctx.maxRecords} lines; the limit is ${ctx.limitsText}`);
  const { values, errors } = yield* parseJsonLinesSteps(content, file);
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
  for (const record of jsonRecordSteps(files, ctx, unwrap)) if (record) yield record;
}

/**
 * `jsonRecordsOfFiles` in steps: the same records in the same order, with `undefined` between them
 * where the reader may pause (a slice of a file decoded, lines counted or parsed, a record used).
 */
export function* jsonRecordSteps(files: NamedFile[], ctx: DecodeContext, unwrap: (v: unknown) => unknown[] | null): Generator<{ place: Place; value: unknown } | undefined, void, void> {
  for (const f of files) {
    const content = yield* textOfSteps(f, ctx.report);
    if (content === null) continue;
    const records = yield* jsonRecordsSteps(content, f.name, ctx, unwrap);
    for (const [i, { line, value }] of records.entries()) yield { place: { file: f.name, line: line ?? i + 1 }, value };
  }
}
