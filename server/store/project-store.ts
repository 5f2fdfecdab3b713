import { join } from 'node:path';
import { Low } from 'lowdb';
import { AtomicJSONFile } from './atomic-json-file.js';
import type { LabelTypeDef } from '../domain/types.js';
import { BUILT_IN_TYPES } from '../domain/label-types.js';

interface ProjectData {
  labelTypes: LabelTypeDef[];
}

/**
 * Project-wide settings in `<dataDir>/project.json`: the label types added to the three built-in
 * ones (by a user, or by an import that keeps another tool's types).
 */
export class ProjectStore {
  private constructor(private readonly db: Low<ProjectData>) {}

  static async open(dataDir: string): Promise<ProjectStore> {
    const db = new Low<ProjectData>(new AtomicJSONFile(join(dataDir, 'project.json')), { labelTypes: [] });
    await db.read();
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

  /** Adds types whose ids are not known yet; returns the ones added. */
  async addTypes(defs: LabelTypeDef[]): Promise<LabelTypeDef[]> {
    const added = defs.filter((d, i) => !this.hasType(d.id) && defs.findIndex((x) => x.id === d.id) === i);
    if (added.length === 0) return [];
    await this.db.update((data) => {
      data.labelTypes.push(...added);
    });
    return added;
  }
}
