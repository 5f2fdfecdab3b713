import { join } from 'node:path';
import { Low } from 'lowdb';
import { AtomicJSONFile, removeTempFiles } from './atomic-json-file.js';
import type { LabelTypeDef } from '../domain/types.js';
import { BUILT_IN_TYPES } from '../domain/label-types.js';
import { IMPORTED_TYPE_ID } from '../domain/formats/type-colors.js';

interface ProjectData {
  labelTypes: LabelTypeDef[];
}

/**
 * Project-wide settings in `<dataDir>/project.json`: the label types added to the three built-in
 * ones (by a user, or by an import that keeps another tool's types).
 */
export class ProjectStore {
  private constructor(private readonly db: Low<ProjectData>) {}

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
    return [...BUILT_IN_TYPES, ...this.db.data.labelTypes];
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
    const added = defs.filter((d, i) => !this.hasType(d.id) && defs.findIndex((x) => x.id === d.id) === i);
    if (added.length === 0) return [];
    // Copy, write, then swap: a failed write leaves the known types as they were, in memory too.
    const next: ProjectData = { ...this.db.data, labelTypes: [...this.db.data.labelTypes, ...added] };
    await this.db.adapter.write(next);
    this.db.data = next;
    return added;
  }
}
