import type pg from 'pg';
import type { DocumentRecord } from '../../domain/types.js';
import type { TrashBin, TrashRecord } from '../corpus.js';
import { TRASH_DAYS } from '../trash.js';
import { storageError } from './errors.js';

interface TrashRow {
  id: string;
  title: string;
  deleted_at: Date;
  deleted_by: string;
}

const RECORD_COLUMNS = 'id, title, deleted_at, deleted_by';

/**
 * The trash in PostgreSQL: one `trash` row per deleted document, the record as it was in
 * `documents` with who deleted it and when. Documents go in and out through
 * PgDocumentRepository.moveToTrash / restoreFromTrash (one transaction each); this reads and
 * deletes for good.
 */
export class PgTrash implements TrashBin {
  constructor(private readonly pool: pg.Pool) {}

  async has(id: string): Promise<boolean> {
    const { rows } = await this.query('reading the trash', 'SELECT 1 FROM trash WHERE id = $1', [id]);
    return rows.length > 0;
  }

  async list(): Promise<TrashRecord[]> {
    const { rows } = await this.query('reading the trash', `SELECT ${RECORD_COLUMNS} FROM trash ORDER BY deleted_at DESC, id ASC`, []);
    return (rows as TrashRow[]).map(recordOf);
  }

  async remove(id: string): Promise<boolean> {
    const { rowCount } = await this.query('emptying the trash', 'DELETE FROM trash WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  async purge(now = new Date()): Promise<string[]> {
    const limit = new Date(now.getTime() - TRASH_DAYS * 24 * 60 * 60 * 1000);
    const { rows } = await this.query('emptying the trash', 'DELETE FROM trash WHERE deleted_at < $1 RETURNING id', [limit]);
    return (rows as Array<{ id: string }>).map((r) => r.id).sort();
  }

  async empty(): Promise<string[]> {
    const { rows } = await this.query('emptying the trash', 'DELETE FROM trash RETURNING id', []);
    return (rows as Array<{ id: string }>).map((r) => r.id).sort();
  }

  /** One trashed document with its record, or `null` (for npm run migrate-store). */
  async get(id: string): Promise<{ record: TrashRecord; doc: DocumentRecord } | null> {
    const { rows } = await this.query('reading the trash', `SELECT ${RECORD_COLUMNS}, record FROM trash WHERE id = $1`, [id]);
    if (!rows.length) return null;
    const row = rows[0] as TrashRow & { record: DocumentRecord };
    return { record: recordOf(row), doc: row.record };
  }

  /** Puts a document straight into the trash (npm run migrate-store copying a data folder's trash). */
  async put(record: TrashRecord, doc: DocumentRecord): Promise<void> {
    if (doc.id !== record.id) throw new Error(`the trash record of ${record.id} holds document ${doc.id}`);
    await this.query(
      'writing the trash',
      'INSERT INTO trash (id, record, title, deleted_at, deleted_by) VALUES ($1, $2, $3, $4, $5)',
      [record.id, JSON.stringify(doc), record.title, new Date(record.deletedAt), record.deletedBy],
    );
  }

  private async query(doing: string, sql: string, params: unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.pool.query(sql, params);
    } catch (err) {
      throw storageError(err, doing);
    }
  }
}

function recordOf(r: TrashRow): TrashRecord {
  return { id: r.id, title: r.title, deletedAt: r.deleted_at.toISOString(), deletedBy: r.deleted_by };
}
