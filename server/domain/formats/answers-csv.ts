import { stringify } from 'csv-stringify/sync';
import type { DocumentRecord } from '../types.js';
import type { Answer, Question } from '../questions/types.js';
import { answerText } from './answers.js';
import { safeCell } from './csv.js';
import type { Format } from './format.js';

/**
 * The answers table that goes with the `csv` export. `csv` is one row a label, so it cannot carry
 * answers per document: a document nobody labelled has no row, and each annotator answers once per
 * document, not per label. This file is one row an answer instead (same filters and layers as every
 * export); a multiple choice is its choices joined with "; ".
 */
export const ANSWERS_CSV_COLUMNS = ['document_id', 'title', 'outlet', 'published_at', 'question_id', 'question', 'kind', 'annotator', 'value', 'answered_at'] as const;

const line = (cells: string[]) => stringify([cells.map(safeCell)], { record_delimiter: '\r\n', eof: true, quoted_match: /[\r\n]/ });

export function answerRows(doc: DocumentRecord, answers: Answer[], questions: Question[]): string {
  return answers
    .map((a) => {
      const q = questions.find((x) => x.id === a.questionId)!;
      return line([doc.id, doc.meta.title, doc.meta.outlet ?? '', doc.meta.publishedAt ?? '', a.questionId, q.text, q.kind, a.annotator, answerText(a.value), a.at]);
    })
    .join('');
}

export const answersCsvFormat: Format = {
  name: 'csv-answers',
  description: 'export only: the document-level answers for a `csv` export, one row an answer: document, question, annotator (or `gold`), value',
  extension: 'csv',
  contentType: 'text/csv; charset=utf-8; header=present',
  encode: {
    kind: 'text',
    create: (ctx) => ({
      head: () => line([...ANSWERS_CSV_COLUMNS]),
      document: (doc) => answerRows(doc, ctx.answersOf(doc.id), ctx.questions),
    }),
  },
};
