import type { Answer, AnswerValue, Question } from '../questions/types.js';
import { GOLD, type LayerChoice } from '../layers.js';
import type { ExportFilter } from './filters.js';

/**
 * The answers about one document an export keeps, like its labels (domain/layers.ts): by default
 * the gold answers where the document has some, else every annotator's; `layer=gold`, `all` or
 * `annotator:NAME` choose. `annotator=` filters annotators' answers (gold answers always pass it).
 * Sorted by the project's question order, then annotator; answers to questions no longer asked are left out.
 */
export function answersForExport(answers: Answer[], questions: Question[], filter: Pick<ExportFilter, 'annotators' | 'layer'>): Answer[] {
  const order = new Map(questions.map((q, i) => [q.id, i]));
  const asked = answers.filter((a) => order.has(a.questionId));
  const kind: LayerChoice['kind'] = filter.layer?.kind ?? (asked.some((a) => a.annotator === GOLD) ? 'gold' : 'all');
  const layer = asked.filter((a) => (kind === 'all' ? true : kind === 'gold' ? a.annotator === GOLD : a.annotator === (filter.layer as { name: string }).name));
  const kept = filter.annotators.length ? layer.filter((a) => a.annotator === GOLD || filter.annotators.includes(a.annotator)) : layer;
  return kept.sort((a, b) => order.get(a.questionId)! - order.get(b.questionId)! || (a.annotator < b.annotator ? -1 : a.annotator > b.annotator ? 1 : 0));
}

/** An answer as one line of text: multiple choices joined with "; ", a scale value as its digit. */
export function answerText(value: AnswerValue): string {
  return Array.isArray(value) ? value.join('; ') : String(value);
}

/**
 * Reads a value another tool wrote back into the shape `q` takes: a one-element list for a single
 * choice, a list of text pieces for a text answer, a numeric string for a scale. Anything else is
 * returned as given, for `answerProblem` to refuse with its message.
 */
export function answerValueFor(q: Question, raw: unknown): unknown {
  if (q.kind === 'single' && Array.isArray(raw) && raw.length === 1) return raw[0];
  if (q.kind === 'multiple' && typeof raw === 'string') return [raw];
  if (q.kind === 'text' && Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return raw.join('\n');
  if (q.kind === 'scale' && typeof raw === 'string' && /^\d$/.test(raw)) return Number(raw);
  return raw;
}

/** An answer read from an import file, before it is checked against the project's questions. */
export interface AnswerDraft {
  /** Where in the file, for the report: `answers.0`, a result index. */
  source: string;
  questionId: string;
  annotator?: string;
  value: unknown;
}
