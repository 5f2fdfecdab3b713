import { removeTempFiles } from './atomic-json-file.js';
import { stateBackendOf, type JsonState, type StateBackend } from './state.js';
import type { LabelTypeDef } from '../domain/types.js';
import { BUILT_IN_TYPES, isBuiltInType } from '../domain/label-types.js';
import { IMPORTED_TYPE_ID } from '../domain/formats/type-colors.js';

interface ProjectData {
  labelTypes: LabelTypeDef[];
  /** Name, colour or key given to a built-in type in place of its default. */
  builtInOverrides?: Record<string, Partial<LabelTypeDef>>;
}

function projectProblem(data: unknown): string | null {
  const d = data as Partial<ProjectData> | null;
  return typeof d !== 'object' || d === null || !Array.isArray(d.labelTypes ?? []) ? 'labelTypes is not a list' : null;
}

/** Built-in types first (with their overrides), then the added ones in the order they were added. */
function typesOf(data: Readonly<ProjectData>): LabelTypeDef[] {
  const overrides = data.builtInOverrides ?? {};
  return [...BUILT_IN_TYPES.map((t) => (Object.hasOwn(overrides, t.id) ? { ...t, ...overrides[t.id] } : t)), ...data.labelTypes];
}

/**
 * Project-wide settings in the state `project.json` (a durable file in the data folder, or a row on
 * PostgreSQL): the label types added to the three built-in ones (by a user, or by an import that
 * keeps another tool's types). Writes run one after another, each on the newest data (copy, write,
 * then swap: a failed write leaves the data as it was, in memory too); two types added at the same
 * time both stay.
 */
export class ProjectStore {
  private constructor(private readonly db: JsonState<ProjectData>) {}

  /**
   * Reads `project.json` of `states`, a StateBackend or a data folder (absent means no added types).
   * A damaged file stops the start with a message naming it, rather than being set aside: labels in
   * every document may use its types. `readOnly` leaves a data folder's temporary files alone
   * (another process may own them); it does not stop writes.
   */
  static async open(states: StateBackend | string, options: { readOnly?: boolean } = {}): Promise<ProjectStore> {
    if (typeof states === 'string' && !options.readOnly) await removeTempFiles(states);
    const db = await stateBackendOf(states).open<ProjectData>('project.json', () => ({ labelTypes: [] }), projectProblem);
    db.repair((d) => {
      d.labelTypes ??= [];
    });
    return new ProjectStore(db);
  }

  /** Built-in types first, then the added ones in the order they were added. */
  labelTypes(): LabelTypeDef[] {
    return typesOf(this.db.data);
  }

  /** Replaces the definition of type `def.id` (name, colour, key); `null` when there is no such type. */
  async updateType(def: LabelTypeDef): Promise<LabelTypeDef | null> {
    return this.db.update((data) => {
      if (isBuiltInType(def.id)) {
        const { id: _id, ...rest } = def;
        data.builtInOverrides = { ...(data.builtInOverrides ?? {}), [def.id]: rest };
        return def;
      }
      const i = data.labelTypes.findIndex((t) => t.id === def.id);
      if (i < 0) return null;
      data.labelTypes[i] = def;
      return def;
    });
  }

  /** Removes an added type (built-in ones stay); true when it was there. Callers check no label uses it. */
  async removeType(id: string): Promise<boolean> {
    return this.db.update((data) => {
      if (!data.labelTypes.some((t) => t.id === id)) return false;
      data.labelTypes = data.labelTypes.filter((t) => t.id !== id);
      return true;
    });
  }

  hasType(id: string): boolean {
    return this.labelTypes().some((t) => t.id === id);
  }

  /**
   * Adds types whose ids are not known yet; returns the ones added. Callers check ids first (the
   * label-types route, the import); an id no label could use here is a broken invariant and throws.
   */
  async addTypes(defs: LabelTypeDef[]): Promise<LabelTypeDef[]> {
    const unusable = defs.find((d) => typeof d.id !== 'string' || !IMPORTED_TYPE_ID.test(d.id));
    if (unusable) throw new Error(`the label type id ${JSON.stringify(unusable.id)} is not a usable type id`);
    return this.db.update((data) => {
      const known = new Set(typesOf(data).map((t) => t.id));
      const added = defs.filter((d, i) => !known.has(d.id) && defs.findIndex((x) => x.id === d.id) === i);
      data.labelTypes.push(...added);
      return added;
    });
  }
}
