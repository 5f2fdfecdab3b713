import { stateBackendOf, type JsonState, type StateBackend } from '../store/state.js';

/** One annotator's work on one document. `in progress` is not stored: it is "has labels, not submitted". */
export interface Assignment {
  assignedAt: string;
  assignedBy: string;
  submittedAt?: string;
}

export interface TeamSettings {
  /** Blind labelling: `auto` means on once two or more annotators exist. */
  blind: 'auto' | 'on' | 'off';
  /** "Each document is labelled by N annotators", dealt round-robin; null when not set. */
  annotatorsPerDocument: number | null;
}

interface TeamData {
  settings: TeamSettings;
  /** docId -> username -> assignment */
  assignments: Record<string, Record<string, Assignment>>;
}

export const DEFAULT_SETTINGS: TeamSettings = { blind: 'auto', annotatorsPerDocument: null };

/** Why a team.json could not be used, or null (also for restore's checks). */
export function teamFileProblem(data: unknown): string | null {
  const d = data as Partial<TeamData>;
  if (typeof d !== 'object' || d === null) return 'not an object';
  if (typeof d.settings !== 'object' || d.settings === null) return 'settings must be an object';
  if (typeof d.assignments !== 'object' || d.assignments === null || Array.isArray(d.assignments)) return 'assignments must be an object';
  return null;
}

/** Project team settings and assignments in the state `team.json` (a durable file, or a row on PostgreSQL; writes serialised). */
export class TeamStore {
  private constructor(private readonly db: JsonState<TeamData>) {}

  /** Opens the team of `states`: a StateBackend, or a data folder (wrapped in a FileStateBackend). */
  static async open(states: StateBackend | string): Promise<TeamStore> {
    return new TeamStore(await stateBackendOf(states).open<TeamData>('team.json', () => ({ settings: { ...DEFAULT_SETTINGS }, assignments: {} }), teamFileProblem));
  }

  settings(): TeamSettings {
    return { ...DEFAULT_SETTINGS, ...this.db.data.settings };
  }

  async changeSettings(patch: Partial<TeamSettings>): Promise<TeamSettings> {
    return this.db.update((d) => {
      d.settings = { ...DEFAULT_SETTINGS, ...d.settings, ...patch };
      return d.settings;
    });
  }

  /** Annotators assigned to a document, with their assignment. */
  assignmentsOf(docId: string): Record<string, Assignment> {
    return this.db.data.assignments[docId] ?? {};
  }

  allAssignments(): Readonly<Record<string, Record<string, Assignment>>> {
    return this.db.data.assignments;
  }

  isSubmitted(docId: string, username: string): boolean {
    return Boolean(this.db.data.assignments[docId]?.[username]?.submittedAt);
  }

  /**
   * Sets the annotators of each listed document to exactly `plan[docId]`: new ones are assigned,
   * kept ones keep their status, missing ones are unassigned (their labels stay).
   */
  async assign(plan: Record<string, string[]>, by: string): Promise<void> {
    await this.db.update((d) => {
      const now = new Date().toISOString();
      for (const [docId, names] of Object.entries(plan)) {
        const before = d.assignments[docId] ?? {};
        const next: Record<string, Assignment> = {};
        for (const name of names) next[name] = before[name] ?? { assignedAt: now, assignedBy: by };
        if (names.length) d.assignments[docId] = next;
        else delete d.assignments[docId];
      }
    });
  }

  /** Marks the annotator's work on the document submitted; false when they are not assigned to it. */
  async submit(docId: string, username: string): Promise<Assignment | null> {
    if (!this.db.data.assignments[docId]?.[username]) return null;
    return this.db.update((d) => {
      // On a shared database another server may have unassigned them meanwhile.
      const a = d.assignments[docId]?.[username];
      if (!a) return null;
      a.submittedAt ??= new Date().toISOString();
      return a;
    });
  }
}
