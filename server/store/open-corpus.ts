/**
 * Opens the corpus the environment names: PostgreSQL when DATABASE_URL is set (shared with any
 * number of app servers; every write is the repository's own transaction), otherwise the data
 * folder DATA_DIR (default ./data). For the CLI tools (import, export), and meant for main.ts too.
 */
import { hostname } from 'node:os';
import type pg from 'pg';
import { loadConfig } from '../config.js';
import type { Corpus } from './corpus.js';
import { DocumentStore, docCacheBytes } from './document-store.js';
import { lockDataDirForProcess } from './lock.js';
import { ProjectStore } from './project-store.js';
import { openPostgresReader, openPostgresStore } from './postgres/index.js';
import type { MigrateResult } from './postgres/migrate.js';
import { describeUrl } from './postgres/pool.js';

/** The data folder is locked by another process (a server, another import): nothing was opened. */
export class CorpusLockedError extends Error {}

export interface OpenCorpusOptions {
  /**
   * `write`: a data folder is locked for this process (one writer at a time, as a server does),
   * which deletes temporary files left by a crash. `read`: a data folder is opened read-only and
   * not locked, so it can be read beside a server. On PostgreSQL `write` opens the shared database
   * checked and migrated as a server does at start; `read` only reads it (read-only connections, a
   * read-only database or standby accepted, no migration: the schema must be this code's).
   */
  mode: 'read' | 'write';
  /** Budget of the cache of whole documents in bytes (default: DOC_CACHE_MB when writing or on PostgreSQL, the store's default when reading a folder). */
  cacheBytes?: number;
  /** A data folder's search index: `lazy` builds none unless a search asks (the import never does). */
  searchIndex?: 'lazy';
  /** Shown in pg_stat_activity, so an operator can tell this process from the servers. */
  applicationName?: string;
  /** Where notes go (lost PostgreSQL connections, schema migrations); standard error by default. */
  log?: (message: string) => void;
}

export interface OpenedCorpus {
  corpus: Corpus;
  /** The label types, on the corpus's states (`corpus.states`). */
  project: ProjectStore;
  kind: 'postgres' | 'folder';
  /** Where the data is, for messages: the data folder, or `PostgreSQL user@host:port/db` (never the password). */
  where: string;
  /** PostgreSQL only: the pool (e.g. for advisory locks) and what the schema migration did. */
  pool?: pg.Pool;
  migrated?: MigrateResult;
  /** Waits for every write and closes the corpus (and the pool). */
  close(): Promise<void>;
}

/**
 * Opens the corpus named by `env` (DATABASE_URL, else DATA_DIR). Throws CorpusLockedError when a
 * data folder to write is locked by another process, DatabaseUnusableError (server/store/postgres)
 * naming a wrong DATABASE_URL or an unreachable (when writing: or read-only) database,
 * SchemaTooNewError when the database's schema is newer than this code, SchemaTooOldError when
 * reading a database whose schema is older; nothing is written in any of these cases.
 */
export async function openCorpus(env: NodeJS.ProcessEnv, options: OpenCorpusOptions): Promise<OpenedCorpus> {
  const config = loadConfig(env);
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const cacheBytes = () => options.cacheBytes ?? docCacheBytes(env.DOC_CACHE_MB);
  if (config.databaseUrl) {
    const pgOptions = {
      cacheBytes: cacheBytes(),
      log,
      applicationName: (options.applicationName ?? `framewise ${hostname()} pid ${process.pid}`).slice(0, 63),
    };
    const database = options.mode === 'read' ? await openPostgresReader(config.databaseUrl, pgOptions) : await openPostgresStore(config.databaseUrl, pgOptions);
    try {
      const project = await ProjectStore.open(database.documents.states);
      return {
        corpus: database.documents,
        project,
        kind: 'postgres',
        where: `PostgreSQL ${describeUrl(config.databaseUrl)}`,
        pool: database.pool,
        ...('migrated' in database ? { migrated: database.migrated as MigrateResult } : {}),
        close: () => database.close(),
      };
    } catch (err) {
      await database.close().catch(() => undefined);
      throw err;
    }
  }
  if (options.mode === 'read') {
    const corpus = await DocumentStore.open(config.dataDir, { readOnly: true, ...(options.cacheBytes ? { cacheBytes: options.cacheBytes } : {}), ...(options.searchIndex ? { searchIndex: options.searchIndex } : {}) });
    const project = await ProjectStore.open(config.dataDir, { readOnly: true });
    return { corpus, project, kind: 'folder', where: config.dataDir, close: () => corpus.close() };
  }
  // The lock comes first: opening the store deletes temporary files, which only the folder's single writer may do.
  const locked = await lockDataDirForProcess(config.dataDir);
  if ('refused' in locked) throw new CorpusLockedError(locked.refused);
  const corpus = await DocumentStore.open(config.dataDir, { cacheBytes: cacheBytes(), ...(options.searchIndex ? { searchIndex: options.searchIndex } : {}) });
  const project = await ProjectStore.open(config.dataDir);
  return { corpus, project, kind: 'folder', where: config.dataDir, close: () => corpus.close() };
}
