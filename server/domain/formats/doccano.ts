import type { DocumentMeta, DocumentRecord, Label } from '../types.js';
import { isDocumentId } from '../schema.js';
import { CodePointIndex } from './code-points.js';
import { normalizeWithOffsets } from './normalize-spans.js';
import type { DocumentDraftBody, LabelDraft } from './drafts.js';
import { IMPORTED_TYPE_ID } from './type-colors.js';

/**
 * doccano sequence-labelling JSONL: `{"id", "text", "label": [[start, end, "type"], ...], "meta"}`
 * per document, offsets in Unicode code points (Python string indices), end exclusive. Framewise
 * adds the document id and its title, outlet, date and URL in `meta`; doccano keeps both.
 */
export function encodeDoccanoLine(doc: DocumentRecord, labels: Label[], ix: CodePointIndex): string {
  const meta: Record<string, string> = { title: doc.meta.title };
  for (const key of ['outlet', 'author', 'publishedAt', 'url', 'language'] as const) if (doc.meta[key]) meta[key] = doc.meta[key]!;
  const label = labels.map((l) => [ix.toCodePoint(l.start), ix.toCodePoint(l.end), l.type]);
  return `${JSON.stringify({ id: doc.id, text: ix.text, label, meta })}\n`;
}

const META_KEYS = ['title', 'outlet', 'author', 'url', 'publishedAt', 'language'] as const;

export interface DoccanoLine {
  draft: DocumentDraftBody & { kind: 'text' };
  /** Things in the line Framewise does not keep, each with why. */
  skipped: { item: string; reason: string }[];
}

/**
 * Reads one doccano line: the sequence-labelling form (`label` or `labels` as `[s, e, "type"]`
 * triples) or the relation form (`entities` with `start_offset`/`end_offset`; `relations` are
 * reported as skipped). A label repeating an earlier one exactly is dropped and reported.
 */
export function decodeDoccanoValue(value: unknown, map: Record<string, string>, maxTextLength: number): DoccanoLine | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a line must be a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.text !== 'string') return 'the line has no "text" string';
  if (v.text.length > maxTextLength) return `"text" is ${v.text.length} characters; the limit is ${maxTextLength}`;
  if (v.text.trim() === '') return '"text" is empty';
  const raw = v.text;
  const ix = new CodePointIndex(raw);
  const spans = spansOf(v);
  if (typeof spans === 'string') return spans;
  const skipped: DoccanoLine['skipped'] = [];
  const drafts: LabelDraft[] = [];
  const seen = new Set<string>();
  for (const [i, [s, e, tag]] of spans.entries()) {
    const start = ix.toUtf16(s);
    const end = ix.toUtf16(e);
    if (start === null || end === null) return `label ${i + 1}: the span ${s}-${e} is past the end of the text (${ix.length} code points)`;
    if (start >= end) return `label ${i + 1}: the span ${s}-${e} is empty or reversed`;
    const type = Object.hasOwn(map, tag) ? map[tag] : tag;
    if (!IMPORTED_TYPE_ID.test(type)) return `label ${i + 1}: the type ${JSON.stringify(type)} is not a usable label type id`;
    const key = `${start}:${end}:${type}`;
    if (seen.has(key)) {
      skipped.push({ item: `label ${i + 1}`, reason: `it repeats an earlier label (${s}-${e} ${tag})` });
      continue;
    }
    seen.add(key);
    drafts.push({ source: `label ${i + 1}`, type, start, end });
  }
  if (Array.isArray(v.relations) && v.relations.length) skipped.push({ item: 'relations', reason: `${v.relations.length} relation(s) not imported (Framewise has no relations)` });
  const normalized = normalizeWithOffsets(raw, drafts.flatMap((d) => [d.start, d.end]));
  if (!normalized) return 'a span boundary falls inside a character sequence that Unicode (NFC) or line-ending normalisation changes';
  const meta: Partial<DocumentMeta> = {};
  const givenMeta = typeof v.meta === 'object' && v.meta !== null ? (v.meta as Record<string, unknown>) : {};
  for (const [key, val] of Object.entries(givenMeta)) {
    if ((META_KEYS as readonly string[]).includes(key) && typeof val === 'string') (meta as Record<string, string>)[key] = val;
    else skipped.push({ item: `meta.${key}`, reason: `not kept (Framewise keeps ${META_KEYS.join(', ')})` });
  }
  const id = typeof v.id === 'string' && isDocumentId(v.id) ? v.id : undefined;
  const labels = drafts.map((d) => ({ ...d, start: normalized.map.get(d.start)!, end: normalized.map.get(d.end)! }));
  return { draft: { kind: 'text', id, text: normalized.text, meta, labels }, skipped };
}

/** The `[start, end, type]` triples (code points) of a line, in either doccano layout. */
function spansOf(v: Record<string, unknown>): [number, number, string][] | string {
  const list = v.label ?? v.labels;
  if (list !== undefined) {
    if (!Array.isArray(list)) return '"label" must be an array of [start, end, "type"]';
    const out: [number, number, string][] = [];
    for (const [i, item] of list.entries()) {
      if (!Array.isArray(item) || item.length !== 3 || !Number.isInteger(item[0]) || !Number.isInteger(item[1]) || typeof item[2] !== 'string') {
        return `label ${i + 1}: expected [start, end, "type"], found ${JSON.stringify(item).slice(0, 80)}`;
      }
      out.push([item[0], item[1], item[2]]);
    }
    return out;
  }
  if (Array.isArray(v.entities)) {
    const out: [number, number, string][] = [];
    for (const [i, e] of v.entities.entries()) {
      const ent = e as Record<string, unknown>;
      if (!Number.isInteger(ent?.start_offset) || !Number.isInteger(ent?.end_offset) || typeof ent?.label !== 'string') {
        return `entity ${i + 1}: expected {start_offset, end_offset, label}`;
      }
      out.push([ent.start_offset as number, ent.end_offset as number, ent.label]);
    }
    return out;
  }
  return [];
}
