import { latestRevision, SOURCINGS, type DocumentMeta, type DocumentRecord, type Label, type LabelTypeDef, type Sourcing } from '../types.js';
import { isDocumentId } from '../schema.js';
import { mappedType } from '../type-ids.js';
import { CodePointIndex } from './code-points.js';
import { normalizeWithOffsets } from './normalize-spans.js';
import { anchoredLabels } from './exportable.js';
import { jsonRecordsSteps, textOfSteps } from './decode-text.js';
import { emptyDecoded, runSteps, type DecodeContext, type Decoded, type DecodeSteps, type Format } from './format.js';
import type { NamedFile } from './archive.js';
import type { LabelDraft } from './drafts.js';
import type { Place } from './report.js';
import type { Answer, Question } from '../questions/types.js';
import type { AnswerDraft } from './answers.js';

/**
 * Label Studio's JSON task format for text spans (https://labelstud.io/guide/task_format): one task
 * per document, `data.text` holding the latest text (and `framewise_id`, title, outlet, author,
 * date, URL beside it), one annotation per annotator (`completed_by`, a number per annotator in the
 * order they first appear, and the name in `framewise_annotator`), each label a `labels` result
 * `{ id, from_name: "label", to_name: "text", type: "labels", value: { start, end, text, labels } }`,
 * and its speaker, cue and note as `textarea` results and its sourcing as a `choices` result bound to
 * the span by the same `id` (Label Studio's per-region results).
 *
 * Offsets: `value.start`/`value.end` count Unicode code points, as Label Studio's converter (Python
 * string slices) and Label Studio's text editor since it stopped counting UTF-16 units read them. On
 * import, a span whose `value.text` is not found at those code points but is found at the same UTF-16
 * offsets (files from Label Studio versions that counted UTF-16) is read as UTF-16.
 */
const ATTRIBUTE_TEXTAREAS = ['speaker', 'cue', 'note'] as const;

/** The control name of a document-level question in the labeling config and in results: `q-` and its id (never one of the span controls' names). */
export function questionControl(q: Pick<Question, 'id'>): string {
  return `q-${q.id}`;
}

/** A document-level result (no offsets, no region id) for one answer. */
function answerResult(a: Answer, q: Question): Record<string, unknown> {
  const base = { from_name: questionControl(q), to_name: 'text' };
  if (q.kind === 'scale') return { ...base, type: 'rating', value: { rating: a.value } };
  if (q.kind === 'text') return { ...base, type: 'textarea', value: { text: [a.value] } };
  return { ...base, type: 'choices', value: { choices: Array.isArray(a.value) ? a.value : [a.value] } };
}

/** One export: tasks written as a JSON array, one task a line, so the file streams and stays a JSON document. */
function encodeTask(doc: DocumentRecord, labels: Label[], annotatorIds: Map<string, number>, answers: Answer[] = [], questions: Question[] = []): string {
  const text = latestRevision(doc).text;
  const ix = new CodePointIndex(text);
  const data: Record<string, string> = { text, framewise_id: doc.id, title: doc.meta.title };
  for (const key of ['outlet', 'author', 'publishedAt', 'url', 'language'] as const) if (doc.meta[key]) data[key] = doc.meta[key]!;
  const byAnnotator = new Map<string, Label[]>();
  for (const l of labels) byAnnotator.set(l.annotator, [...(byAnnotator.get(l.annotator) ?? []), l]);
  for (const a of answers) if (!byAnnotator.has(a.annotator)) byAnnotator.set(a.annotator, []);
  const annotations = [...byAnnotator].map(([annotator, own]) => {
    if (!annotatorIds.has(annotator)) annotatorIds.set(annotator, annotatorIds.size + 1);
    const result: Record<string, unknown>[] = [];
    for (const l of own) {
      const at = { start: ix.toCodePoint(l.start), end: ix.toCodePoint(l.end) };
      result.push({ id: l.id, from_name: 'label', to_name: 'text', type: 'labels', value: { ...at, text: text.slice(l.start, l.end), labels: [l.type] } });
      for (const key of ATTRIBUTE_TEXTAREAS) if (l[key]) result.push({ id: l.id, from_name: key, to_name: 'text', type: 'textarea', value: { ...at, text: [l[key]] } });
      if (l.sourcing) result.push({ id: l.id, from_name: 'sourcing', to_name: 'text', type: 'choices', value: { ...at, choices: [l.sourcing] } });
    }
    for (const a of answers) if (a.annotator === annotator) result.push(answerResult(a, questions.find((q) => q.id === a.questionId)!));
    return { completed_by: annotatorIds.get(annotator)!, framewise_annotator: annotator, result };
  });
  return JSON.stringify({ data, annotations });
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The document-level controls of the questions: a `Header` with the question, then `Choices`, `Rating` or `TextArea` bound to the whole text. */
function questionControls(questions: Question[]): string[] {
  return questions.flatMap((q) => {
    const name = escapeXml(questionControl(q));
    const header = `  <Header value="${escapeXml(q.text)}"/>`;
    if (q.kind === 'scale') return [header, `  <Rating name="${name}" toName="text" maxRating="5"/>`];
    if (q.kind === 'text') return [header, `  <TextArea name="${name}" toName="text" maxSubmissions="1" editable="true"/>`];
    return [header, `  <Choices name="${name}" toName="text" choice="${q.kind}" showInline="true">`, ...q.choices!.map((c) => `    <Choice value="${escapeXml(c)}"/>`), '  </Choices>'];
  });
}

/** The labeling config a Label Studio project needs to show and edit an export: one `Label` per type, the attributes per region, the document questions. */
export function labelStudioConfig(types: LabelTypeDef[], questions: Question[] = []): string {
  return [
    '<View>',
    '  <Labels name="label" toName="text">',
    ...types.map((t) => `    <Label value="${escapeXml(t.id)}" background="${escapeXml(t.color)}"/>`),
    '  </Labels>',
    '  <Text name="text" value="$text"/>',
    ...questionControls(questions),
    '  <View visibleWhen="region-selected">',
    ...ATTRIBUTE_TEXTAREAS.map((k) => `    <TextArea name="${k}" toName="text" perRegion="true" maxSubmissions="1" editable="true" placeholder="${k}"/>`),
    '    <Choices name="sourcing" toName="text" perRegion="true" choice="single">',
    ...SOURCINGS.map((s) => `      <Choice value="${s}"/>`),
    '    </Choices>',
    '  </View>',
    '</View>',
    '',
  ].join('\n');
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads one task into a document draft with its labels, or a message saying what is wrong. */
export function decodeLabelStudioTask(task: unknown, place: Place, ctx: DecodeContext): { draft: Decoded['documents'][number] } | string {
  if (!isObj(task)) return 'a task must be a JSON object';
  const data = task.data;
  if (!isObj(data) || typeof data.text !== 'string') return 'the task has no "data.text" string';
  const raw = data.text;
  if (raw.length > ctx.maxTextLength) return `"data.text" is ${raw.length} characters; the limit is ${ctx.maxTextLength}`;
  if (raw.trim() === '') return '"data.text" is empty';
  const ix = new CodePointIndex(raw);
  if (Array.isArray(task.predictions) && task.predictions.length) ctx.report.skipped.push({ ...place, item: 'predictions', reason: `${task.predictions.length} prediction(s) not imported (only annotations are)` });
  const drafts: LabelDraft[] = [];
  const answers: AnswerDraft[] = [];
  const annotations = Array.isArray(task.annotations) ? task.annotations : [];
  for (const [ai, annotation] of annotations.entries()) {
    if (!isObj(annotation)) return `annotations.${ai}: must be an object`;
    if (annotation.was_cancelled === true) {
      ctx.report.skipped.push({ ...place, item: `annotations.${ai}`, reason: 'cancelled in Label Studio' });
      continue;
    }
    const by = annotation.completed_by;
    const annotator = typeof annotation.framewise_annotator === 'string' ? annotation.framewise_annotator : isObj(by) && typeof by.email === 'string' ? by.email : undefined;
    const results = Array.isArray(annotation.result) ? annotation.result : [];
    const spans = new Map<string, LabelDraft[]>();
    for (const [ri, r] of results.entries()) {
      const where = `annotations.${ai}.result.${ri}`;
      if (!isObj(r)) return `${where}: must be an object`;
      if (r.type !== 'labels') continue;
      if (!isObj(r.value)) return `${where}: a labels result needs a "value"`;
      const v = r.value;
      if (!Number.isInteger(v.start) || !Number.isInteger(v.end)) return `${where}: value.start and value.end must be integers`;
      const labels = Array.isArray(v.labels) ? v.labels.filter((x): x is string => typeof x === 'string') : [];
      if (labels.length === 0) return `${where}: value.labels holds no label`;
      const span = placeSpan(raw, ix, v.start as number, v.end as number, typeof v.text === 'string' ? v.text : undefined);
      if (typeof span === 'string') return `${where}: ${span}`;
      const id = typeof r.id === 'string' && isDocumentId(r.id) ? r.id : undefined;
      const made = labels.map((l, li) => ({ source: `${where}${labels.length > 1 ? `.${li}` : ''}`, type: mappedType(ctx.map, l), ...span, ...(id && li === 0 ? { id } : {}), ...(annotator ? { annotator } : {}) }));
      drafts.push(...made);
      if (typeof r.id === 'string') spans.set(r.id, [...(spans.get(r.id) ?? []), ...made]);
    }
    for (const [ri, r] of results.entries()) {
      const rr = r as Obj;
      if (rr.type === 'labels') continue;
      const where = `annotations.${ai}.result.${ri}`;
      const targets = typeof rr.id === 'string' ? spans.get(rr.id) : undefined;
      const name = String(rr.from_name);
      const v = isObj(rr.value) ? rr.value : {};
      if (!targets && name.startsWith('q-') && ['choices', 'rating', 'textarea'].includes(String(rr.type))) {
        const value = rr.type === 'choices' ? v.choices : rr.type === 'rating' ? v.rating : v.text;
        answers.push({ source: where, questionId: name.slice(2), ...(annotator ? { annotator } : {}), value });
        continue;
      }
      if (!targets) {
        ctx.report.skipped.push({ ...place, item: where, reason: `a ${String(rr.type)} result not bound to a span (Framewise keeps only span attributes)` });
        continue;
      }
      if (rr.type === 'textarea' && (ATTRIBUTE_TEXTAREAS as readonly string[]).includes(name)) {
        const text = Array.isArray(v.text) ? v.text.filter((x) => typeof x === 'string').join('\n') : typeof v.text === 'string' ? v.text : '';
        for (const t of targets) (t as unknown as Obj)[name] = text;
      } else if (rr.type === 'choices' && name === 'sourcing') {
        const choice = Array.isArray(v.choices) ? v.choices[0] : undefined;
        if (!(SOURCINGS as readonly unknown[]).includes(choice)) return `${where}: sourcing must be one of ${SOURCINGS.join(', ')}`;
        for (const t of targets) t.sourcing = choice as Sourcing;
      } else ctx.report.skipped.push({ ...place, item: where, reason: `the ${String(rr.type)} "${name}" is not a Framewise attribute (speaker, cue, note, sourcing)` });
    }
  }
  const normalized = normalizeWithOffsets(raw, drafts.flatMap((d) => [d.start, d.end]));
  if (!normalized) return 'a span boundary falls inside a character sequence that Unicode (NFC) or line-ending normalisation changes';
  const meta: Partial<DocumentMeta> = {};
  for (const key of ['title', 'outlet', 'author', 'url', 'publishedAt', 'language'] as const) if (typeof data[key] === 'string') meta[key] = data[key] as string;
  const id = typeof data.framewise_id === 'string' && isDocumentId(data.framewise_id) ? data.framewise_id : undefined;
  const labels = drafts.map((d) => ({ ...d, start: normalized.map.get(d.start)!, end: normalized.map.get(d.end)! }));
  return { draft: { kind: 'text', id, text: normalized.text, meta, labels, place, ...(answers.length ? { answers } : {}) } };
}

/** UTF-16 offsets of a span given in code points, checked against its text; UTF-16 offsets when only they match. */
function placeSpan(text: string, ix: CodePointIndex, start: number, end: number, exact: string | undefined): { start: number; end: number } | string {
  const s = ix.toUtf16(start);
  const e = ix.toUtf16(end);
  if (s !== null && e !== null && s < e && (exact === undefined || text.slice(s, e) === exact)) return { start: s, end: e };
  if (exact !== undefined && start < end && end <= text.length && text.slice(start, end) === exact) return { start, end };
  if (s === null || e === null) return `the span ${start}-${end} is past the end of the text (${ix.length} code points)`;
  if (s >= e) return `the span ${start}-${end} is empty or reversed`;
  return `value.text ${JSON.stringify(exact?.slice(0, 60))} is not the text at ${start}-${end} (code points) nor at those UTF-16 offsets`;
}

export const labelStudioFormat: Format = {
  name: 'labelstudio',
  description: 'Label Studio JSON tasks for text spans: `data.text`, one annotation per annotator, `labels` results with speaker, cue, note (`textarea`) and sourcing (`choices`) per region, document answers as `choices`/`rating`/`textarea` results without offsets; offsets in code points. Its labeling config: `labelstudio-config`',
  extension: 'json',
  contentType: 'application/json; charset=utf-8',
  encode: {
    kind: 'text',
    create: (ctx) => {
      const annotatorIds = new Map<string, number>();
      let first = true;
      return {
        head: () => '[',
        document: (doc) => {
          const labels = anchoredLabels(doc, ctx.report);
          ctx.report.labels += labels.length;
          const task = `${first ? '\n' : ',\n'}${encodeTask(doc, labels, annotatorIds, ctx.answersOf(doc.id), ctx.questions)}`;
          first = false;
          return task;
        },
        tail: () => '\n]\n',
      };
    },
  },
  decode: (files, ctx) => runSteps(decodeLabelStudioSteps(files, ctx)),
  decodeSteps: decodeLabelStudioSteps,
};

/** The Label Studio reading in steps: a pause after every slice of a file decoded, every line parsed and every task read. */
function* decodeLabelStudioSteps(files: NamedFile[], ctx: DecodeContext): DecodeSteps<Decoded> {
  const out = emptyDecoded();
  for (const f of files) {
    const content = yield* textOfSteps(f, ctx.report);
    if (content === null) continue;
    const records = yield* jsonRecordsSteps(content, f.name, ctx, (v) => (Array.isArray(v) ? v : isObj(v) ? [v] : null));
    for (const [i, { line, value }] of records.entries()) {
      const place: Place = { file: f.name, line: line ?? i + 1 };
      const decoded = decodeLabelStudioTask(value, place, ctx);
      if (typeof decoded === 'string') ctx.report.errors.push({ ...place, message: decoded });
      else out.documents.push(decoded.draft);
      yield;
    }
  }
  return out;
}

/** Export only: the labeling config for a Label Studio project that loads a `labelstudio` export unchanged. */
export const labelStudioConfigFormat: Format = {
  name: 'labelstudio-config',
  description: 'export only: the Label Studio labeling config (`<View><Labels name="label" toName="text">…`, a `Choices`/`Rating`/`TextArea` per document question) for a `labelstudio` export',
  extension: 'xml',
  contentType: 'application/xml; charset=utf-8',
  encode: { kind: 'text', create: (ctx) => ({ head: () => labelStudioConfig(ctx.labelTypes, ctx.questions), document: () => '' }) },
};
