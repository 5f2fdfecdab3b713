import type { Corpus } from '../store/corpus.js';
import { AnswerStore } from '../store/answer-store.js';
import type { Answer, AnswerValue, Question } from '../domain/questions/types.js';
import { answerProblem, questionsProblem } from '../domain/questions/validate.js';
import { CREDIBILITY_TEMPLATE } from '../domain/questions/credibility-template.js';
import { answerAgreement } from '../domain/questions/agreement.js';
import { badRequest, conflict, notFound } from '../http-error.js';

const stores = new WeakMap<Corpus, Promise<AnswerStore>>();

/** The answer store of the data folder `store` works on, opened once and shared (one writer per file). */
export function answerStoreOf(store: Corpus): Promise<AnswerStore> {
  let s = stores.get(store);
  if (!s) {
    s = AnswerStore.open(store.states);
    // A failed open (the database unreachable for a moment) is tried again by the next request.
    s.catch(() => stores.delete(store));
    stores.set(store, s);
  }
  return s;
}

export const TEMPLATES: Record<string, Question[]> = { credibility: CREDIBILITY_TEMPLATE };

export async function listQuestions(store: Corpus): Promise<Question[]> {
  return (await answerStoreOf(store)).read().questions;
}

/** Replaces the project's questions; dropping a question that has answers, or a choice in use, is a 409. */
export async function putQuestions(store: Corpus, questions: Question[]): Promise<Question[]> {
  const problem = questionsProblem(questions);
  if (problem) throw badRequest(problem, 'invalid_questions');
  return (await answerStoreOf(store)).update((draft) => {
    for (const a of draft.answers) {
      const q = questions.find((x) => x.id === a.questionId);
      if (!q) throw conflict(`question "${a.questionId}" has answers; it cannot be removed`);
      if (answerProblem(q, a.value)) throw conflict(`question "${q.id}": an answer ("${JSON.stringify(a.value).slice(0, 60)}") would no longer fit it`);
    }
    draft.questions = questions;
    return questions;
  });
}

/** Adds a template's questions that the project does not have yet (by id); returns the questions now. */
export async function addTemplate(store: Corpus, name: string): Promise<Question[]> {
  const template = TEMPLATES[name];
  if (!template) throw badRequest(`template: unknown template "${name.slice(0, 60)}"; known: ${Object.keys(TEMPLATES).join(', ')}`, 'invalid_input');
  const current = await listQuestions(store);
  return putQuestions(store, [...current, ...template.filter((q) => !current.some((c) => c.id === q.id))]);
}

/** Answers about one document (every annotator's, and the `gold` layer's). */
export async function answersOf(store: Corpus, documentId: string): Promise<Answer[]> {
  if (!store.has(documentId)) throw notFound(`no document with id "${documentId.slice(0, 100)}"`);
  return (await answerStoreOf(store)).read().answers.filter((a) => a.documentId === documentId);
}

/**
 * Sets `layer`'s answers (an annotator's name, or `gold` for the adjudicated answers) about one
 * document; `null` removes an answer. Every answer is checked before anything is written.
 */
export async function putAnswers(store: Corpus, documentId: string, layer: string, values: Record<string, AnswerValue | null>): Promise<Answer[]> {
  if (!store.has(documentId)) throw notFound(`no document with id "${documentId.slice(0, 100)}"`);
  const answers = await answerStoreOf(store);
  const questions = answers.read().questions;
  for (const [qid, value] of Object.entries(values)) {
    const q = questions.find((x) => x.id === qid);
    if (!q) throw badRequest(`answers: unknown question "${qid.slice(0, 64)}"; the project's questions are ${questions.map((x) => x.id).join(', ') || 'none (add some first)'}`, 'invalid_answer');
    if (value !== null) {
      const problem = answerProblem(q, value);
      if (problem) throw badRequest(`answers.${problem}`, 'invalid_answer');
    }
  }
  return answers.update((draft) => {
    const at = new Date().toISOString();
    for (const [questionId, value] of Object.entries(values)) {
      draft.answers = draft.answers.filter((a) => !(a.documentId === documentId && a.questionId === questionId && a.annotator === layer));
      if (value !== null) draft.answers.push({ documentId, questionId, annotator: layer, value: Array.isArray(value) ? [...value] : value, at });
    }
    return draft.answers.filter((a) => a.documentId === documentId);
  });
}

export async function allAnswers(store: Corpus): Promise<{ questions: Question[]; answers: Answer[] }> {
  return (await answerStoreOf(store)).read();
}

export async function agreementOfAnswers(store: Corpus) {
  const { questions, answers } = await allAnswers(store);
  return answerAgreement(questions, answers);
}

/** What the editor's Questions panel and the adjudication page show about one document. */
export interface QuestionPanel {
  questions: Question[];
  /** `user`'s answers by question id. */
  mine: Record<string, AnswerValue>;
  /** Every annotator's answer per question id (not gold), by annotator name. */
  byQuestion: Record<string, { annotator: string; value: AnswerValue }[]>;
  /** The adjudicated answers by question id. */
  gold: Record<string, AnswerValue>;
}

export async function questionPanel(store: Corpus, documentId: string, user: string): Promise<QuestionPanel> {
  const { questions, answers } = (await answerStoreOf(store)).read();
  const own = answers.filter((a) => a.documentId === documentId);
  const panel: QuestionPanel = { questions, mine: {}, byQuestion: {}, gold: {} };
  for (const a of own.sort((x, y) => x.annotator.localeCompare(y.annotator))) {
    if (a.annotator === 'gold') panel.gold[a.questionId] = a.value;
    else (panel.byQuestion[a.questionId] ??= []).push({ annotator: a.annotator, value: a.value });
    if (a.annotator === user) panel.mine[a.questionId] = a.value;
  }
  return panel;
}
