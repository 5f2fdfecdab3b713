import type pg from 'pg';
import type { StatementIndexStorage } from '../corpus.js';
import { serializeStatementIndexInSlices, storedIndexProblemInSlices, type StoredStatementIndex } from '../index-files.js';
import { storageError } from './errors.js';

/**
 * The statement index's snapshot in the one row of `statement_index_snapshot`, as the text the data
 * folder's file holds (JSON with a base64 payload, see index-files.ts). Read
 * with the same check as the data folder's file (storedIndexProblem): a snapshot that is not what
 * this version wrote is reported and ignored, never trusted. Replaced whole in one statement.
 */
export class PgStatementIndex implements StatementIndexStorage {
  constructor(private readonly pool: pg.Pool) {}

  async read(warn: (message: string) => void = console.warn): Promise<StoredStatementIndex | null> {
    let rows: Array<{ content: string }>;
    try {
      ({ rows } = await this.pool.query<{ content: string }>('SELECT content FROM statement_index_snapshot'));
    } catch (err) {
      throw storageError(err, 'reading the statement index');
    }
    if (!rows.length) return null;
    const checked = await storedIndexProblemInSlices(rows[0].content);
    if (typeof checked === 'string') {
      warn(`the statement index in PostgreSQL (table statement_index_snapshot) ${checked}; it is rebuilt from the documents`);
      return null;
    }
    return checked;
  }

  async write(data: StoredStatementIndex, pace?: () => Promise<void>): Promise<void> {
    const content = await serializeStatementIndexInSlices(data, pace);
    try {
      await this.pool.query(
        `INSERT INTO statement_index_snapshot (only_row, content, written_at) VALUES (true, $1, now())
         ON CONFLICT (only_row) DO UPDATE SET content = EXCLUDED.content, written_at = EXCLUDED.written_at`,
        [content],
      );
    } catch (err) {
      throw storageError(err, 'writing the statement index');
    }
  }
}
