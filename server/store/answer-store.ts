import { join } from 'node:path';
import { Low } from 'lowdb';
import { AtomicJSONFile } from './atomic-json-file.js';
import type { AnswerData } from '../domain/questions/types.js';

/**
 * Document questions and their answers in `<dataDir>/answers.json` (durable atomic writes). Changes
 * run one at a time on a copy: one that throws or whose write fails leaves memory and file as they were.
 */
export class AnswerStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: Low<AnswerData>) {}

  /** Reads the file (absent means no questions); a damaged file stops with a message naming it. */
  static async open(dataDir: string): Promise<AnswerStore> {
    const file = join(dataDir, 'answers.json');
    const db = new Low<AnswerData>(new AtomicJSONFile(file), { questions: [], answers: [] });
    try {
      await db.read();
    } catch (err) {
      throw new Error(`${file} is damaged (${(err as Error).message}); restore it from a backup or fix it by hand`);
    }
    if (db.data !== null && (typeof db.data !== 'object' || !Array.isArray(db.data.questions ?? []) || !Array.isArray(db.data.answers ?? []))) {
      throw new Error(`${file} is damaged (questions or answers is not a list); restore it from a backup or fix it by hand`);
    }
    db.data = { questions: db.data?.questions ?? [], answers: db.data?.answers ?? [] };
    return new AnswerStore(db);
  }

  read(): AnswerData {
    return structuredClone(this.db.data);
  }

  update<T>(change: (draft: AnswerData) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const draft = structuredClone(this.db.data);
      const result = change(draft);
      await this.db.adapter.write(draft);
      this.db.data = draft;
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
