import type pg from 'pg';
import { checkSchema, migrate, type MigrateResult } from './migrate.js';
import { openPool, type PoolOptions } from './pool.js';
import { PgDocumentRepository, type PgRepositoryOptions } from './pg-document-repository.js';
import { PgStateBackend } from './pg-state.js';
import type { StateBackend } from '../state.js';

export { StorageUnavailableError } from './errors.js';
export { DatabaseUnusableError } from './pool.js';
export { SchemaTooNewError, SchemaTooOldError } from './migrate.js';
export { PgDocumentRepository } from './pg-document-repository.js';
export { PgStateBackend } from './pg-state.js';

export type PostgresStoreOptions = PoolOptions & Omit<PgRepositoryOptions, 'states'> & {
  /** The small states; by default a PgStateBackend on the same pool (rows of data_files). */
  states?: StateBackend;
};

export interface PostgresStore {
  pool: pg.Pool;
  /** The Corpus: documents, catalogue, trash, statement index and (as `documents.states`) the small states. */
  documents: PgDocumentRepository;
  migrated: MigrateResult;
  close(): Promise<void>;
}

/**
 * What a server does at start with DATABASE_URL set: open a checked pool (DatabaseUnusableError
 * names a wrong URL, an unreachable or read-only database), migrate the schema (SchemaTooNewError
 * when the database is newer than the code), then open the corpus over it, with the states in the
 * same database unless `options.states` says otherwise.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const log = options.log ?? ((m: string) => console.warn(m));
  const pool = await openPool(url, options, (err) => log(`an idle PostgreSQL connection was lost (${err.message}); the pool opens a new one when needed`));
  const { prepared: migrated, ...store } = await corpusOver(pool, () => migrate(pool), options);
  return { ...store, migrated };
}

/**
 * What a tool that only reads does with DATABASE_URL set (npm run export): a pool whose
 * connections are read-only (a read-only database or a standby is fine), the schema checked but
 * never migrated (SchemaTooOldError, SchemaTooNewError), and the corpus opened without a change
 * feed. Nothing is written to the database.
 */
export async function openPostgresReader(url: string, options: Omit<PostgresStoreOptions, 'readOnly' | 'listen'> = {}): Promise<Omit<PostgresStore, 'migrated'>> {
  const pool = await openPool(url, { ...options, readOnly: true }, (err) => (options.log ?? ((m: string) => console.warn(m)))(`an idle PostgreSQL connection was lost (${err.message})`));
  const { prepared: _checked, ...store } = await corpusOver(pool, () => checkSchema(pool), { ...options, listen: false });
  return store;
}

/** The corpus over `pool` once `prepare` (a migration, a schema check) went through; the pool is ended when either fails. */
async function corpusOver<T>(pool: pg.Pool, prepare: () => Promise<T>, options: PostgresStoreOptions): Promise<Omit<PostgresStore, 'migrated'> & { prepared: T }> {
  try {
    const prepared = await prepare();
    const documents = await PgDocumentRepository.open(pool, { ...options, states: options.states ?? new PgStateBackend(pool) });
    return {
      pool,
      documents,
      prepared,
      async close() {
        await documents.close();
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}
