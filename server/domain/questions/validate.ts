import { MAX_QUESTIONS, MAX_TEXT_ANSWER, type AnswerValue, type Question } from './types.js';

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why a list of questions cannot be the project's, or `null`. */
export function questionsProblem(questions: Question[]): string | null {
  if (questions.length > MAX_QUESTIONS) return `questions: at most ${MAX_QUESTIONS}`;
  const seen = new Set<string>();
  for (const [i, q] of questions.entries()) {
    const at = `questions.${i}`;
    if (!SLUG.test(q.id)) return `${at}.id: lower-case letters, digits and "-", at most 64`;
    if (seen.has(q.id)) return `${at}.id: "${q.id}" appears twice`;
    seen.add(q.id);
    if (!q.text.trim() || q.text.length > 300 || CONTROL.test(q.text)) return `${at}.text: one line of 1 to 300 characters`;
    if (q.kind === 'single' || q.kind === 'multiple') {
      if (!q.choices || q.choices.length < 2 || q.choices.length > 20) return `${at}.choices: 2 to 20 choices`;
      if (q.choices.some((c) => !c.trim() || c.length > 100 || CONTROL.test(c))) return `${at}.choices: each one line of 1 to 100 characters`;
      if (new Set(q.choices).size !== q.choices.length) return `${at}.choices: must be distinct`;
    } else if (q.choices) return `${at}.choices: only single and multiple choice questions have choices`;
  }
  return null;
}

/** Why `value` is no answer to `q`, or `null`. */
export function answerProblem(q: Question, value: AnswerValue): string | null {
  switch (q.kind) {
    case 'single':
      return typeof value === 'string' && q.choices!.includes(value) ? null : `${q.id}: must be one of ${q.choices!.map((c) => `"${c}"`).join(', ')}`;
    case 'multiple':
      if (!Array.isArray(value) || value.length === 0) return `${q.id}: must be a non-empty list of choices`;
      if (new Set(value).size !== value.length) return `${q.id}: a choice is listed twice`;
      for (const v of value) if (typeof v !== 'string' || !q.choices!.includes(v)) return `${q.id}: "${String(v).slice(0, 100)}" is not one of ${q.choices!.map((c) => `"${c}"`).join(', ')}`;
      return null;
    case 'scale':
      return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 5 ? null : `${q.id}: must be a whole number from 1 to 5`;
    case 'text':
      return typeof value === 'string' && value.trim() !== '' && value.length <= MAX_TEXT_ANSWER && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value) ? null : `${q.id}: must be text of 1 to ${MAX_TEXT_ANSWER} characters`;
  }
}
