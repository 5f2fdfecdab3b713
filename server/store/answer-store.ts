import { stateBackendOf, type JsonState, type StateBackend } from './state.js';
import type { AnswerData } from '../domain/questions/types.js';

function answersProblem(data: unknown): string | null {
  const d = data as Partial<AnswerData> | null;
  if (typeof d !== 'object' || d === null || !Array.isArray(d.questions ?? []) || !Array.isArray(d.answers ?? [])) return 'questions or answers is not a list';
  return null;
}

/**
 * Document questions and their answers in the state `answers.json` (a durable file in the data
 * folder, or a row on PostgreSQL). Changes run one at a time on a copy of the newest data: one that
 * throws or whose write fails leaves memory and storage as they were.
 */
export class AnswerStore {
  private constructor(private readonly db: JsonState<AnswerData>) {}

  /** Opens the answers of `states`, a StateBackend or a data folder (absent means no questions); a damaged file stops with a message naming it. */
  static async open(states: StateBackend | string): Promise<AnswerStore> {
    const db = await stateBackendOf(states).open<AnswerData>('answers.json', () => ({ questions: [], answers: [] }), answersProblem);
    // Exactly the two lists, in this order (anything else a file holds is dropped with the next write).
    db.repair((d) => {
      const whole: AnswerData = { questions: d.questions ?? [], answers: d.answers ?? [] };
      for (const key of Object.keys(d)) delete (d as unknown as Record<string, unknown>)[key];
      Object.assign(d, whole);
    });
    return new AnswerStore(db);
  }

  read(): AnswerData {
    return structuredClone(this.db.data) as AnswerData;
  }

  update<T>(change: (draft: AnswerData) => T): Promise<T> {
    return this.db.update(change);
  }
}
