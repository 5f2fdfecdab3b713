import { Low } from 'lowdb';
import { AtomicJSONFile } from '../store/atomic-json-file.js';
import type { JsonState } from '../store/state.js';

/**
 * One small JSON file (users.json, team.json) held in memory and written durably
 * (AtomicJSONFile: temp file, fsync, rename). Changes are serialised: each one is applied to a copy
 * of the current data, the copy is written, and only then does it replace the data in memory, so a
 * failed write changes nothing, on disk or in memory.
 */
export class SerialJsonStore<T extends object> implements JsonState<T> {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: Low<T>) {}

  /** Reads `file` (absent means `empty()`); invalid JSON or a failed `check` stops the start with the file named. */
  static async open<T extends object>(file: string, empty: () => T, check: (data: unknown) => string | null): Promise<SerialJsonStore<T>> {
    const db = new Low<T>(new AtomicJSONFile<T>(file), empty());
    try {
      await db.read();
    } catch (err) {
      throw new Error(`${file} is damaged (${(err as Error).message}); restore it from a backup or fix it by hand`);
    }
    if (db.data === null) db.data = empty();
    const problem = check(db.data);
    if (problem) throw new Error(`${file} is damaged (${problem}); restore it from a backup or fix it by hand`);
    return new SerialJsonStore(db);
  }

  /** Fills in missing parts of the data read at start, in memory only (written with the next change). */
  repair(fn: (data: T) => void): void {
    fn(this.db.data);
  }

  get data(): Readonly<T> {
    return this.db.data;
  }

  /**
   * Applies `fn` (which may be async) to a deep copy, writes it, then swaps it in; `fn` may throw to
   * refuse (nothing is written). A copy left as it was (same JSON) is not written.
   */
  update<R>(fn: (draft: T) => R | Promise<R>): Promise<R> {
    const run = async () => {
      const before = JSON.stringify(this.db.data);
      const draft = structuredClone(this.db.data);
      const result = await fn(draft);
      if (JSON.stringify(draft) === before) return result;
      await this.db.adapter.write(draft);
      this.db.data = draft;
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
