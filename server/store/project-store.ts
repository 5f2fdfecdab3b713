import { join } from 'node:path';
import { Low } from 'lowdb';
import { AtomicJSONFile, removeTempFiles } from './atomic-json-file.js';
import type { LabelTypeDef } from '../domain/types.js';
import { BUILT_IN_TYPES, isBuiltInType } from '../domain/label-types.js';
import { IMPORTED_TYPE_ID } from '../domain/formats/type-colors.js';

interface ProjectData {
  labelTypes: LabelTypeDef[];
  /** Name, colour or key given to a built-in type in place of its default. */
  builtInOverrides?: Record<string, Partial<LabelTypeDef>>;
}

/**
 * Project-wide settings in `<dataDir>/project.json`: the label types added to the three built-in
 * ones (by a user, or by an import that keeps another tool's types).
 */
export class ProjectStore {
  /** The last write queued: writes run one after another, each on the data the previous one left. */
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: Low<ProjectData>) {}

  /**
   * Runs `change` on the current data once every earlier write has finished, and writes what it
   * returns (copy, write, then swap: a failed write leaves the data as it was, in memory too).
   * `change` returns `null` to write nothing. Two types added at the same time both stay.
   */
  private serialised<T>(change: (data: ProjectData) => { next: ProjectData; result: T } | null, none: T): Promise<T> {
    const run = this.writes.then(async () => {
      const planned = change(this.db.data);
      if (!planned) return none;
      await this.db.adapter.write(planned.next);
      this.db.data = planned.next;
      return planned.result;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  /**
   * Reads `project.json` (absent means no added types). A damaged file stops the start with a
   * message naming it, rather than being set aside: labels in every document may use its types.
   * `readOnly` leaves temporary files alone (another process may own them); it does not stop writes.
   */
  static async open(dataDir: string, options: { readOnly?: boolean } = {}): Promise<ProjectStore> {
    if (!options.readOnly) await removeTempFiles(dataDir);
    const file = join(dataDir, 'project.json');
    const db = new Low<ProjectData>(new AtomicJSONFile(file), { labelTypes: [] });
    try {
      await db.read();
    } catch (err) {
      throw new Error(`${file} is damaged (${(err as Error).message}); restore it from a backup or fix it by hand`);
    }
    if (db.data !== null && (typeof db.data !== 'object' || !Array.isArray(db.data.labelTypes ?? []))) {
      throw new Error(`${file} is damaged (labelTypes is not a list); restore it from a backup or fix it by hand`);
    }
    db.data ??= { labelTypes: [] };
    db.data.labelTypes ??= [];
    return new ProjectStore(db);
  }

  /** Built-in types first, then the added ones in the order they were added. */
  labelTypes(): LabelTypeDef[] {
    const overrides = this.db.data.builtInOverrides ?? {};
    return [...BUILT_IN_TYPES.map((t) => (Object.hasOwn(overrides, t.id) ? { ...t, ...overrides[t.id] } : t)), ...this.db.data.labelTypes];
  }

  /** Replaces the definition of type `def.id` (name, colour, key); `null` when there is no such type. */
  async updateType(def: LabelTypeDef): Promise<LabelTypeDef | null> {
    return this.serialised((data) => {
      if (isBuiltInType(def.id)) {
        const { id: _id, ...rest } = def;
        return { next: { ...data, builtInOverrides: { ...(data.builtInOverrides ?? {}), [def.id]: rest } }, result: def };
      }
      const i = data.labelTypes.findIndex((t) => t.id === def.id);
      if (i < 0) return null;
      return { next: { ...data, labelTypes: data.labelTypes.map((t, j) => (j === i ? def : t)) }, result: def };
    }, null);
  }

  /** Removes an added type (built-in ones stay); true when it was there. Callers check no label uses it. */
  async removeType(id: string): Promise<boolean> {
    return this.serialised((data) => {
      if (!data.labelTypes.some((t) => t.id === id)) return null;
      return { next: { ...data, labelTypes: data.labelTypes.filter((t) => t.id !== id) }, result: true };
    }, false);
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
    return this.serialised((data) => {
      const added = defs.filter((d, i) => !this.hasType(d.id) && defs.findIndex((x) => x.id === d.id) === i);
      if (added.length === 0) return null;
      return { next: { ...data, labelTypes: [...data.labelTypes, ...added] }, result: added };
    }, [] as LabelTypeDef[]);
  }
}
