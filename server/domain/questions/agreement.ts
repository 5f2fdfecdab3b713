import type { Answer, AnswerValue, Question } from './types.js';

const same = (a: AnswerValue, b: AnswerValue) => JSON.stringify(Array.isArray(a) ? [...a].sort() : a) === JSON.stringify(Array.isArray(b) ? [...b].sort() : b);

/**
 * Observed agreement per question: over every document answered by two or more annotators, the
 * share of annotator pairs giving the same answer (a multiple choice must match as a set; text
 * answers are not compared). `pairs` is the n.
 */
export function answerAgreement(questions: Question[], answers: Answer[]): { questionId: string; documents: number; pairs: number; agreeing: number; agreement: number | null }[] {
  return questions
    .filter((q) => q.kind !== 'text')
    .map((q) => {
      const byDoc = new Map<string, Answer[]>();
      for (const a of answers) if (a.questionId === q.id && a.annotator !== 'gold') byDoc.set(a.documentId, [...(byDoc.get(a.documentId) ?? []), a]);
      let pairs = 0;
      let agreeing = 0;
      let documents = 0;
      for (const list of byDoc.values()) {
        if (list.length < 2) continue;
        documents++;
        for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) {
          pairs++;
          if (same(list[i].value, list[j].value)) agreeing++;
        }
      }
      return { questionId: q.id, documents, pairs, agreeing, agreement: pairs ? agreeing / pairs : null };
    });
}
