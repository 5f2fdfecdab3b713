import { existsSync, statSync } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DocumentStore } from '../document-store.js';
import { documentFileSchema } from '../../domain/schema.js';
import type { DocumentRecord } from '../../domain/types.js';
import { AtomicJSONFile } from '../atomic-json-file.js';
import type { TrashRecord } from '../corpus.js';
import { HistoryCodec, type StoredDocument } from '../history-codec.js';
import { DataDirLock } from '../lock.js';
import { syncDir, TEMP_PREFIX } from '../atomic-json-file.js';
import type { DocumentRepository } from '../repository.js';
import { openPostgresStore, type PostgresStore } from './index.js';
import { describeUrl } from './pool.js';

/** One side of a copy: a lowdb data folder or a PostgreSQL database. */
export type StoreEnd = { kind: 'lowdb'; dir: string } | { kind: 'postgres'; url: string };

/**
 * The data folder's files besides the documents, copied byte for byte (into the `data_files`
 * table on PostgreSQL, where the small states are read from). The trash is copied as documents
 * (`<dataDir>/trash/` ⇄ the `trash` table); the quarantine, the catalogue and the statement index
 * (rebuilt from the documents) are not.
 */
export const DATA_FILES = ['project.json', 'users.json', 'team.json', 'speakers.json', 'answers.json', 'seeded.json'] as const;

export interface CopyReport {
  documents: number;
  /** Documents copied from trash to trash, with their records. */
  trashed: number;
  /** Data files copied, by name. */
  files: string[];
  /** What the copy did not carry, in words. */
  notes: string[];
}

export function describeEnd(end: StoreEnd): string {
  return end.kind === 'postgres' ? `PostgreSQL ${describeUrl(end.url)}` : `data folder ${resolve(end.dir)}`;
}

interface OpenEnd {
  documents: DocumentRepository;
  /** The trash: its records (newest first), one trashed document, and putting one in as it was. */
  trashList(): Promise<TrashRecord[]>;
  trashGet(id: string): Promise<DocumentRecord | null>;
  trashPut(record: TrashRecord, doc: DocumentRecord): Promise<void>;
  readFiles(): Promise<Array<{ name: string; content: string }>>;
  writeFile(name: string, content: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Copies every document and data file of `from` into `to`, which must hold neither documents nor
 * data files. Each document is read back from the target and compared with the source (as JSON
 * with sorted keys); a difference stops the copy. Both data folders are locked for the copy, so
 * no server writes them meanwhile; PostgreSQL app servers must be stopped by hand.
 */
export async function copyStore(from: StoreEnd, to: StoreEnd, log: (line: string) => void = () => {}): Promise<CopyReport> {
  const source = await openEnd(from, 'source');
  try {
    const target = await openEnd(to, 'target');
    try {
      const existing = await target.documents.listPage({ limit: 1 });
      const files = await target.readFiles();
      const trash = await target.trashList();
      if (existing.total > 0 || files.length > 0 || trash.length > 0) {
        const held = [existing.total ? `${existing.total} documents` : '', trash.length ? `${trash.length} documents in the trash` : '', ...files.map((f) => f.name)]
          .filter(Boolean)
          .join(', ');
        throw new Error(`the target ${describeEnd(to)} is not empty (it holds ${held}); migrate-store copies into an empty store only`);
      }
      const report: CopyReport = { documents: 0, trashed: 0, files: [], notes: [] };
      let cursor: string | undefined;
      do {
        const page = await source.documents.listPage({ sort: 'title', order: 'asc', limit: 500, ...(cursor ? { cursor } : {}) });
        for (const summary of page.items) {
          const doc = await source.documents.getDocument(summary.id);
          if (!doc) continue; // deleted while the copy ran
          await target.documents.create(doc);
          const back = await target.documents.getDocument(doc.id);
          if (!back || canonicalJson(back) !== canonicalJson(doc)) {
            throw new Error(`document ${doc.id} reads back from ${describeEnd(to)} different from the source; the copy stopped after ${report.documents} documents (empty the target before trying again)`);
          }
          report.documents++;
          if (report.documents % 1000 === 0) log(`${report.documents} documents copied`);
        }
        cursor = page.next ?? undefined;
      } while (cursor);
      for (const record of await source.trashList()) {
        const doc = await source.trashGet(record.id);
        if (!doc) continue; // deleted for good while the copy ran
        await target.trashPut(record, doc);
        const back = await target.trashGet(record.id);
        if (!back || canonicalJson(back) !== canonicalJson(doc)) {
          throw new Error(`the trashed document ${record.id} reads back from ${describeEnd(to)} different from the source; the copy stopped (empty the target before trying again)`);
        }
        report.trashed++;
      }
      for (const file of await source.readFiles()) {
        await target.writeFile(file.name, file.content);
        report.files.push(file.name);
      }
      if (from.kind === 'lowdb' && existsSync(join(from.dir, 'quarantine'))) {
        report.notes.push(`quarantine/ was not copied (it stays in ${resolve(from.dir)})`);
      }
      return report;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

async function openEnd(end: StoreEnd, role: 'source' | 'target'): Promise<OpenEnd> {
  return end.kind === 'postgres'
    ? openPostgresEnd(await openPostgresStore(end.url, { applicationName: `framewise migrate-store ${role}`, listen: false }))
    : openLowdbEnd(end.dir, role);
}

function openPostgresEnd(store: PostgresStore): OpenEnd {
  return {
    documents: store.documents,
    trashList: () => store.documents.trash.list(),
    trashGet: async (id) => (await store.documents.trash.get(id))?.doc ?? null,
    trashPut: (record, doc) => store.documents.trash.put(record, doc),
    async readFiles() {
      const { rows } = await store.pool.query<{ name: string; content: string }>('SELECT name, content FROM data_files ORDER BY name');
      return rows;
    },
    async writeFile(name, content) {
      await store.pool.query('INSERT INTO data_files (name, content) VALUES ($1, $2)', [name, content]);
    },
    close: () => store.close(),
  };
}

async function openLowdbEnd(dir: string, role: 'source' | 'target'): Promise<OpenEnd> {
  if (role === 'source' && !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`there is no data folder at ${resolve(dir)}`);
  }
  // Taking the lock makes sure no Framewise server writes the folder during the copy.
  const lock = await DataDirLock.acquire(dir);
  let store: DocumentStore;
  try {
    store = await DocumentStore.open(dir, { readOnly: role === 'source', searchIndex: 'lazy', log: () => {} });
  } catch (err) {
    lock.releaseSync();
    throw err;
  }
  const codec = new HistoryCodec();
  return {
    documents: store,
    trashList: () => store.trash.list(),
    async trashGet(id) {
      const text = await readFile(store.trash.documentFile(id), 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      });
      if (text === null) return null;
      const doc = codec.decode(JSON.parse(text) as StoredDocument);
      const parsed = documentFileSchema.safeParse(doc);
      if (!parsed.success || doc.id !== id) throw new Error(`${store.trash.documentFile(id)} is not a Framewise document; the copy stopped`);
      return doc;
    },
    async trashPut(record, doc) {
      // The same file form as a document moved there by moveToTrash: older revisions compressed.
      await mkdir(store.trash.dir, { recursive: true });
      await codec.prepare(doc);
      await new AtomicJSONFile<StoredDocument>(store.trash.documentFile(doc.id)).write(codec.encode(doc));
      await store.trash.writeRecord(record);
    },
    async readFiles() {
      const files: Array<{ name: string; content: string }> = [];
      for (const name of DATA_FILES) {
        const content = await readFile(join(dir, name), 'utf8').catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return null;
          throw err;
        });
        if (content !== null) files.push({ name, content });
      }
      return files;
    },
    async writeFile(name, content) {
      if (!(DATA_FILES as readonly string[]).includes(name)) throw new Error(`the data_files table holds ${JSON.stringify(name)}, which is not a Framewise data file; it was not written`);
      await writeDurably(join(dir, name), content);
    },
    async close() {
      try {
        await store.close();
      } finally {
        lock.releaseSync();
      }
    },
  };
}

/** Writes `content` to a temporary file, syncs it, renames it into place and syncs the folder. */
async function writeDurably(file: string, content: string): Promise<void> {
  const temp = join(resolve(file, '..'), `${TEMP_PREFIX}migrate-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDir(resolve(file, '..'));
}

/** JSON with every object's keys sorted: equal for documents that differ only in key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

