import { join } from 'node:path';
import { Low } from 'lowdb';
import { AtomicJSONFile } from './atomic-json-file.js';
import { DEFAULT_VERDICT_SETTINGS, type SpeakerData } from '../domain/speakers/types.js';

/**
 * The project's speakers, their merges and the verdict settings, in `<dataDir>/speakers.json`
 * (durable atomic writes, see atomic-json-file.ts). Changes run one at a time, on a copy: a
 * change that throws or whose write fails leaves memory and file as they were.
 */
export class SpeakerStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: Low<SpeakerData>) {}

  /** Reads the file (absent means no speakers yet); a damaged file stops with a message naming it. */
  static async open(dataDir: string): Promise<SpeakerStore> {
    const file = join(dataDir, 'speakers.json');
    const db = new Low<SpeakerData>(new AtomicJSONFile(file), emptyData());
    try {
      await db.read();
    } catch (err) {
      throw new Error(`${file} is damaged (${(err as Error).message}); restore it from a backup or fix it by hand`);
    }
    if (db.data !== null && (typeof db.data !== 'object' || !Array.isArray(db.data.speakers ?? []))) {
      throw new Error(`${file} is damaged (speakers is not a list); restore it from a backup or fix it by hand`);
    }
    db.data = { ...emptyData(), ...(db.data ?? {}) };
    return new SpeakerStore(db);
  }

  /** A copy of everything stored. */
  read(): SpeakerData {
    return structuredClone(this.db.data);
  }

  /** Runs `change` on a copy, writes it, then swaps it in; changes never overlap. */
  update<T>(change: (draft: SpeakerData) => T | Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const draft = structuredClone(this.db.data);
      const result = await change(draft);
      await this.db.adapter.write(draft);
      this.db.data = draft;
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function emptyData(): SpeakerData {
  return { speakers: [], merges: [], verdictSettings: structuredClone(DEFAULT_VERDICT_SETTINGS) };
}
