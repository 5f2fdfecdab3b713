import type { Corpus, TrashBin, TrashRecord } from '../store/corpus.js';
import { DocumentIdTaken } from '../store/document-store.js';
import { conflict, notFound } from '../http-error.js';
import type { DocumentRecord } from '../domain/types.js';

/** Use cases of deleting documents and of the trash; one instance per data folder. */
export class TrashService {
  constructor(private readonly store: Corpus, private readonly clock: () => Date = () => new Date()) {}

  get trash(): TrashBin {
    return this.store.trash;
  }

  /**
   * Moves a document to the trash: a `document.deleted` event is written on it first, then its
   * document moves to the trash with a record of who deleted it and when.
   */
  async deleteDocument(id: string, actor: string): Promise<TrashRecord> {
    if (!this.store.has(id)) throw notFound(`no document with id "${id}"`);
    if (await this.trash.has(id)) {
      throw conflict(`a document with id "${id}" is in the trash already (deleted before); restore it or delete it from the trash first`);
    }
    const at = this.clock().toISOString();
    const updated = await this.store.update(id, (draft) => {
      draft.events.push({ at, actor, kind: 'document.deleted', rev: draft.revisions.length });
    });
    if (!updated) throw notFound(`no document with id "${id}"`);
    const record: TrashRecord = { id, title: updated.doc.meta.title, deletedAt: at, deletedBy: actor };
    const moved = await this.store.moveToTrash(id, record);
    if (!moved) throw notFound(`no document with id "${id}"`);
    return record;
  }

  /** The trash, after deleting for good what is older than the limit. */
  async list(): Promise<TrashRecord[]> {
    await this.trash.purge(this.clock());
    return this.trash.list();
  }

  /** Brings a document back with everything it had; a `document.restored` event records it. */
  async restore(id: string, actor: string): Promise<DocumentRecord> {
    await this.trash.purge(this.clock());
    if (!(await this.trash.has(id))) throw notFound(`no document with id "${id}" in the trash`);
    if (this.store.has(id)) throw idReused(id);
    try {
      await this.store.restoreFromTrash(id);
    } catch (err) {
      if (err instanceof DocumentIdTaken) throw idReused(id);
      throw err;
    }
    const at = this.clock().toISOString();
    const updated = await this.store.update(id, (draft) => {
      draft.events.push({ at, actor, kind: 'document.restored', rev: draft.revisions.length });
    });
    return updated!.doc;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.trash.remove(id))) throw notFound(`no document with id "${id}" in the trash`);
  }

  async empty(): Promise<string[]> {
    return this.trash.empty();
  }
}

function idReused(id: string) {
  return conflict(`cannot restore: a document with id "${id}" exists again (the id was reused after the delete); delete or rename that document first`);
}
