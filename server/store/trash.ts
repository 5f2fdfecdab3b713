import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AtomicJSONFile } from './atomic-json-file.js';
import { isDocumentId } from '../domain/schema.js';
import type { TrashBin, TrashRecord } from './corpus.js';

/** Days a deleted document stays in the trash before it is deleted for good. */
export const TRASH_DAYS = 30;

export type { TrashRecord } from './corpus.js';

/**
 * The trash: `<dataDir>/trash/<id>.json` is the document file exactly as it was in `documents/`
 * (moved there by `DocumentStore.delete`), `<id>.deleted.json` says when and by whom.
 */
export class Trash implements TrashBin {
  constructor(readonly dataDir: string) {}

  get dir(): string {
    return join(this.dataDir, 'trash');
  }

  documentFile(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  private recordFile(id: string): string {
    return join(this.dir, `${id}.deleted.json`);
  }

  async has(id: string): Promise<boolean> {
    return stat(this.documentFile(id)).then(() => true, () => false);
  }

  async writeRecord(record: TrashRecord): Promise<void> {
    await new AtomicJSONFile<TrashRecord>(this.recordFile(record.id)).write(record);
  }

  /** What the trash holds, most recently deleted first. A document file without record uses its file time. */
  async list(): Promise<TrashRecord[]> {
    const names = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    const out: TrashRecord[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') || name.endsWith('.deleted.json')) continue;
      const id = name.slice(0, -'.json'.length);
      if (!isDocumentId(id)) continue;
      out.push(await this.record(id));
    }
    return out.sort((a, b) => b.deletedAt.localeCompare(a.deletedAt) || a.id.localeCompare(b.id));
  }

  private async record(id: string): Promise<TrashRecord> {
    try {
      const r = JSON.parse(await readFile(this.recordFile(id), 'utf8')) as Partial<TrashRecord>;
      if (typeof r.deletedAt === 'string' && typeof r.title === 'string') {
        return { id, title: r.title, deletedAt: r.deletedAt, deletedBy: typeof r.deletedBy === 'string' ? r.deletedBy : 'unknown' };
      }
    } catch {
      // no record, or a damaged one: fall back to the document file
    }
    const file = this.documentFile(id);
    let title = id;
    try {
      title = (JSON.parse(await readFile(file, 'utf8')) as { meta?: { title?: string } }).meta?.title ?? id;
    } catch {
      // keep the id as title
    }
    return { id, title, deletedAt: (await stat(file)).mtime.toISOString(), deletedBy: 'unknown' };
  }

  /** Deletes one document from the trash for good; false when it was not there. */
  async remove(id: string): Promise<boolean> {
    if (!(await this.has(id))) return false;
    await unlink(this.documentFile(id));
    await unlink(this.recordFile(id)).catch(() => undefined);
    return true;
  }

  /** Forgets the record after a restore (the document file has moved back already). */
  async forgetRecord(id: string): Promise<void> {
    await unlink(this.recordFile(id)).catch(() => undefined);
  }

  /** Deletes for good every document deleted more than TRASH_DAYS ago; returns their ids. */
  async purge(now = new Date()): Promise<string[]> {
    const limit = now.getTime() - TRASH_DAYS * 24 * 60 * 60 * 1000;
    const old = (await this.list()).filter((r) => Date.parse(r.deletedAt) < limit);
    for (const r of old) await this.remove(r.id);
    return old.map((r) => r.id);
  }

  /** Empties the trash; returns the ids deleted for good. */
  async empty(): Promise<string[]> {
    const all = await this.list();
    for (const r of all) await this.remove(r.id);
    return all.map((r) => r.id);
  }
}
