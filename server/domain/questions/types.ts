/** A question asked once per document (not per span), answered by each annotator. */
export interface Question {
  /** Slug: lower-case letters, digits and `-`. */
  id: string;
  text: string;
  kind: 'single' | 'multiple' | 'scale' | 'text';
  /** The choices of `single` and `multiple` questions. */
  choices?: string[];
  /** Labels of the ends of a 1–5 `scale` ("not at all", "completely"). */
  scaleLabels?: [string, string];
  /** Where the question comes from (the template's citation). */
  source?: string;
}

export type AnswerValue = string | string[] | number;

/** One annotator's answer to one question about one document. */
export interface Answer {
  documentId: string;
  questionId: string;
  annotator: string;
  value: AnswerValue;
  at: string;
}

export interface AnswerData {
  questions: Question[];
  answers: Answer[];
}

export const MAX_TEXT_ANSWER = 1000;
export const MAX_QUESTIONS = 50;
