import { mappedType } from '../type-ids.js';
import { latestRevision, SOURCINGS, type Label, type LabelTypeDef, type Sourcing } from '../types.js';
import { CodePointIndex } from './code-points.js';
import { normalizeWithOffsets } from './normalize-spans.js';
import { idFromFileName, type LabelDraft } from './drafts.js';
import { anchoredLabels } from './exportable.js';
import { emptyDecoded, type Format } from './format.js';
import { textOf } from './decode-text.js';
import type { ImportError, SkippedItem } from './report.js';
import { IMPORTED_TYPE_ID } from './type-colors.js';

/**
 * brat standoff (https://brat.nlplab.org/standoff.html): a `.txt` and an `.ann` per document.
 * Offsets in `.ann` count Unicode code points. Framewise writes a T line per label (a span that
 * crosses a line break becomes fragments `s e;s e`, as brat requires), an A line `Sourcing`, and
 * `#` lines `Speaker`, `Cue` and `AnnotatorNotes`; in `#` text a backslash, tab and line break are
 * written `\\`, `\t`, `\n`.
 */
export function encodeBratAnn(labels: Label[], ix: CodePointIndex): string {
  const lines: string[] = [];
  let a = 0;
  let note = 0;
  labels.forEach((label, i) => {
    const t = `T${i + 1}`;
    const fragments = fragmentsOf(ix.text, label.start, label.end);
    const offsets = fragments.map(([s, e]) => `${ix.toCodePoint(s)} ${ix.toCodePoint(e)}`).join(';');
    lines.push(`${t}\t${label.type} ${offsets}\t${fragments.map(([s, e]) => ix.text.slice(s, e)).join(' ')}`);
    if (label.sourcing) lines.push(`A${++a}\tSourcing ${t} ${label.sourcing}`);
    if (label.speaker) lines.push(`#${++note}\tSpeaker ${t}\t${escapeNote(label.speaker)}`);
    if (label.cue) lines.push(`#${++note}\tCue ${t}\t${escapeNote(label.cue)}`);
    if (label.note) lines.push(`#${++note}\tAnnotatorNotes ${t}\t${escapeNote(label.note)}`);
  });
  return lines.map((l) => `${l}\n`).join('');
}

/** [start, end) pieces of a span between its line breaks (UTF-16), empty pieces dropped. */
function fragmentsOf(text: string, start: number, end: number): [number, number][] {
  const out: [number, number][] = [];
  let s = start;
  for (let i = start; i <= end; i++) {
    if (i === end || text[i] === '\n') {
      if (i > s) out.push([s, i]);
      s = i + 1;
    }
  }
  return out;
}

export function escapeNote(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r?\n/g, '\\n');
}

export function unescapeNote(s: string): string {
  return s.replace(/\\([\\tn])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}

/** The `annotation.conf` for an export: every project type as an entity, Sourcing as an attribute. */
export function bratAnnotationConf(types: LabelTypeDef[]): string {
  return [
    '# brat configuration written by Framewise: one entity per label type.',
    '[entities]',
    ...types.map((t) => t.id.replace(/\s+/g, '_')),
    '',
    '[relations]',
    '# labels may overlap and nest',
    '<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>',
    '',
    '[events]',
    '',
    '[attributes]',
    `Sourcing\tArg:<ENTITY>, Value:${SOURCINGS.join('|')}`,
    '',
  ].join('\n');
}

export interface BratDocument {
  /** The normalised text, as it will be stored. */
  text: string;
  labels: LabelDraft[];
  skipped: SkippedItem[];
  errors: ImportError[];
  notes: string[];
}

interface SpanLine {
  id: string;
  line: number;
  type: string;
  /** UTF-16 offsets into the raw text. */
  fragments: [number, number][];
  draft: LabelDraft;
}

/**
 * Reads a `.txt`/`.ann` pair. `map` renames brat types (brat type → Framewise type); unmapped types
 * are kept as they are. T lines become labels; `Sourcing` attributes and `#` notes on them become
 * their attributes; every other line (relations, events, normalisations, other attributes) is
 * reported as skipped. A discontinuous span becomes one label over its whole extent, reported.
 */
export function parseBrat(rawText: string, ann: string, annFile: string, map: Record<string, string>): BratDocument {
  const ix = new CodePointIndex(rawText);
  const out: BratDocument = { text: rawText, labels: [], skipped: [], errors: [], notes: [] };
  const spans = new Map<string, SpanLine>();
  const later: { line: number; fields: string[] }[] = [];
  const lines = ann.split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    const text = raw.replace(/\r$/, '');
    if (text.trim() === '') return;
    const fields = text.split('\t');
    const id = fields[0];
    if (/^T\d+$/.test(id)) {
      const span = parseSpanLine(fields, line, rawText, ix, annFile, map, out);
      if (span) spans.set(id, span);
    } else if (/^[AM#]\d*$/.test(id)) later.push({ line, fields });
    else if (/^[ERN*]\d*$/.test(id)) out.skipped.push({ file: annFile, line, item: id, reason: skipReason(id[0]) });
    else out.errors.push({ file: annFile, line, message: `not a brat standoff line: ${JSON.stringify(text.slice(0, 80))}` });
  });
  for (const { line, fields } of later) attachToSpan(fields, line, spans, annFile, out);
  if (out.errors.length) return out;
  const offsets = [...spans.values()].flatMap((s) => [s.draft.start, s.draft.end]);
  const normalized = normalizeWithOffsets(rawText, offsets);
  if (!normalized) {
    out.errors.push({ file: annFile, message: 'a span boundary falls inside a character sequence that Unicode normalisation (NFC) or line-ending normalisation changes' });
    return out;
  }
  out.text = normalized.text;
  out.labels = [...spans.values()].map((s) => ({ ...s.draft, start: normalized.map.get(s.draft.start)!, end: normalized.map.get(s.draft.end)! }));
  return out;
}

function skipReason(kind: string): string {
  if (kind === 'E') return 'brat events are not imported (Framewise has no events); the trigger span is imported as a label';
  if (kind === 'R' || kind === '*') return 'brat relations are not imported (Framewise has no relations)';
  return 'brat normalisations (links to external databases) are not imported';
}

function parseSpanLine(fields: string[], line: number, raw: string, ix: CodePointIndex, file: string, map: Record<string, string>, out: BratDocument): SpanLine | null {
  const fail = (message: string) => {
    out.errors.push({ file, line, message: `${fields[0]}: ${message}` });
    return null;
  };
  const m = /^(\S+) (\d+ \d+(?:;\d+ \d+)*)$/.exec(fields[1] ?? '');
  if (!m) return fail(`expected "TYPE START END" after the id, found ${JSON.stringify(fields[1] ?? '')}`);
  const type = mappedType(map, m[1]);
  if (!IMPORTED_TYPE_ID.test(type)) return fail(`the type ${JSON.stringify(type)} is not a usable label type id`);
  const fragments: [number, number][] = [];
  for (const pair of m[2].split(';')) {
    const [s, e] = pair.split(' ').map(Number);
    const start = ix.toUtf16(s);
    const end = ix.toUtf16(e);
    if (start === null || end === null) return fail(`the span ${s}-${e} is past the end of the text (${ix.length} code points)`);
    if (start >= end) return fail(`the span ${s}-${e} is empty or reversed`);
    fragments.push([start, end]);
  }
  fragments.sort((a, b) => a[0] - b[0]);
  const expected = fragments.map(([s, e]) => raw.slice(s, e)).join(' ');
  if (fields[2] !== undefined && fields[2] !== expected) {
    return fail(`its text ${JSON.stringify(fields[2])} does not match the text at ${m[2]}: ${JSON.stringify(expected)}`);
  }
  const start = fragments[0][0];
  const end = fragments[fragments.length - 1][1];
  if (fragments.length > 1) {
    const gaps = fragments.slice(1).map(([s], i) => raw.slice(fragments[i][1], s));
    if (gaps.every((g) => g.trim() === '')) out.notes.push(`${file}:${line}: ${fields[0]} has ${fragments.length} fragments split at line breaks; joined into one label`);
    else out.notes.push(`${file}:${line}: ${fields[0]} is discontinuous (${m[2]}); imported as one label over its whole extent`);
  }
  return { id: fields[0], line, type, fragments, draft: { source: fields[0], type, start, end } };
}

function attachToSpan(fields: string[], line: number, spans: Map<string, SpanLine>, file: string, out: BratDocument): void {
  const id = fields[0];
  const [kind = '', ref = '', value] = (fields[1] ?? '').split(' ');
  const span = spans.get(ref);
  if (!span) {
    const reason = /^T\d+$/.test(ref) ? `it refers to ${ref}, which is not a span in this file` : `it annotates ${ref || 'nothing'}, not a text span`;
    out.skipped.push({ file, line, item: id, reason });
    return;
  }
  if (id.startsWith('#')) {
    const text = unescapeNote(fields[2] ?? '');
    if (kind === 'Speaker') span.draft.speaker = text;
    else if (kind === 'Cue') span.draft.cue = text;
    else span.draft.note = span.draft.note ? `${span.draft.note}\n\n${text}` : text;
    return;
  }
  if (kind === 'Sourcing' && (SOURCINGS as readonly string[]).includes(value ?? '')) {
    span.draft.sourcing = value as Sourcing;
    return;
  }
  out.skipped.push({ file, line, item: id, reason: `the attribute ${kind}${value ? `=${value}` : ''} on ${ref} has no Framewise equivalent` });
}

/** Pairs `.txt` and `.ann` files by path without extension; `annotation.conf` and others are ignored. */
export function pairBratFiles(names: string[]): { pairs: { stem: string; txt: string; ann: string | null }[]; orphanAnns: string[]; ignored: string[] } {
  const txt = new Map<string, string>();
  const ann = new Map<string, string>();
  const ignored: string[] = [];
  for (const name of names) {
    if (name.endsWith('.txt')) txt.set(name.slice(0, -4), name);
    else if (name.endsWith('.ann')) ann.set(name.slice(0, -4), name);
    else ignored.push(name);
  }
  const pairs = [...txt.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([stem, t]) => ({ stem, txt: t, ann: ann.get(stem) ?? null }));
  const orphanAnns = [...ann.entries()].filter(([stem]) => !txt.has(stem)).map(([, name]) => name).sort();
  return { pairs, orphanAnns, ignored: ignored.sort() };
}

export const bratFormat: Format = {
  name: 'brat',
  description: 'brat standoff: a `.txt` and an `.ann` per document (T, A and # lines, code points) and an `annotation.conf`, in a `.tar` or `.zip` (`archive=`)',
  extension: 'tar',
  contentType: 'application/x-tar',
  encode: {
    kind: 'files',
    create: (ctx) => ({
      document: (doc) => {
        const latest = latestRevision(doc);
        const labels = anchoredLabels(doc, ctx.report);
        ctx.report.labels += labels.length;
        return [
          { name: `${doc.id}.txt`, content: latest.text },
          { name: `${doc.id}.ann`, content: encodeBratAnn(labels, new CodePointIndex(latest.text)) },
        ];
      },
      tail: () => [{ name: 'annotation.conf', content: bratAnnotationConf(ctx.labelTypes) }],
    }),
  },
  decode: (files, ctx) => {
    const out = emptyDecoded();
    const byName = new Map(files.map((f) => [f.name, f]));
    const { pairs, orphanAnns, ignored } = pairBratFiles([...byName.keys()]);
    for (const ann of orphanAnns) ctx.report.errors.push({ file: ann, message: `no ${ann.replace(/\.ann$/, '.txt')} beside it: a .ann needs its .txt` });
    for (const name of ignored) ctx.report.skipped.push({ file: name, item: 'file', reason: /\.conf$/.test(name) ? 'brat configuration: the types come from the .ann files' : 'not a .txt or .ann file' });
    for (const pair of pairs) {
      const text = textOf(byName.get(pair.txt)!, ctx.report);
      const ann = pair.ann ? textOf(byName.get(pair.ann)!, ctx.report) : '';
      if (text === null || ann === null) continue;
      const parsed = parseBrat(text, ann, pair.ann ?? pair.txt, ctx.map);
      ctx.report.skipped.push(...parsed.skipped);
      ctx.report.notes.push(...parsed.notes);
      if (parsed.errors.length) {
        ctx.report.errors.push(...parsed.errors);
        continue;
      }
      const id = idFromFileName(pair.txt) ?? undefined;
      out.documents.push({ kind: 'text', place: { file: pair.txt }, id, text: parsed.text, meta: { sourceFile: pair.txt }, labels: parsed.labels });
    }
    return out;
  },
};
