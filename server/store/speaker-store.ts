import { stateBackendOf, type JsonState, type StateBackend } from './state.js';
import { DEFAULT_VERDICT_SETTINGS, type SpeakerData } from '../domain/speakers/types.js';
import { relabelsProblem } from '../domain/speakers/relabel.js';

/** Why stored speaker data cannot be used: not an object, `speakers` not a list, a `relabels` journal this release cannot finish. */
function speakersProblem(data: unknown): string | null {
  const d = data as Partial<SpeakerData> | null;
  if (typeof d !== 'object' || d === null || !Array.isArray(d.speakers ?? [])) return 'speakers is not a list';
  return relabelsProblem(d.relabels);
}

/**
 * The project's speakers, their merges and the verdict settings, in the state `speakers.json` (a
 * durable file in the data folder, or a row on PostgreSQL). Changes run one at a time, on a copy
 * of the newest data: a change that throws or whose write fails leaves memory and storage as they were.
 */
export class SpeakerStore {
  private constructor(private readonly db: JsonState<SpeakerData>) {}

  /**
   * Opens the speakers of `states`, a StateBackend or a data folder (absent means no speakers yet);
   * a damaged file stops with a message naming it.
   */
  static async open(states: StateBackend | string): Promise<SpeakerStore> {
    const db = await stateBackendOf(states).open<SpeakerData>('speakers.json', emptyData, speakersProblem);
    // Parts a file of an older release lacks, in the order a fresh file has them.
    db.repair((d) => {
      const whole = { ...emptyData(), ...d };
      for (const key of Object.keys(d)) delete (d as unknown as Record<string, unknown>)[key];
      Object.assign(d, whole);
    });
    return new SpeakerStore(db);
  }

  /** A copy of everything stored. */
  read(): SpeakerData {
    return structuredClone(this.db.data) as SpeakerData;
  }

  /** Runs `change` (which may be async) on a copy, writes it, then swaps it in; changes never overlap. */
  update<T>(change: (draft: SpeakerData) => T | Promise<T>): Promise<T> {
    return this.db.update(change);
  }
}

function emptyData(): SpeakerData {
  return { speakers: [], merges: [], verdictSettings: structuredClone(DEFAULT_VERDICT_SETTINGS) };
}
