import type pg from 'pg';
import { isConnectionLoss, StorageUnavailableError, storageError } from './errors.js';

export interface TransactionOptions {
  /** The statement that opens the transaction (default `BEGIN`). */
  begin?: string;
  /** What was being committed, for the message when the connection is lost during COMMIT (default: `doing`). */
  committing?: string;
}

/** Passed to the work of `inTransaction`. */
export interface Transaction {
  /** Ends the transaction with ROLLBACK instead of COMMIT once the work returns (nothing to write). */
  rollback(): void;
}

/**
 * Runs `work` in a transaction on one pooled connection: BEGIN, `work`, COMMIT (or ROLLBACK when
 * `work` asked for it). Anything thrown rolls the transaction back and is rethrown; a lost
 * connection becomes StorageUnavailableError (the server rolls back on its own; lost during COMMIT,
 * the message says the outcome is unknown) and the connection is thrown away rather than returned
 * to the pool. `doing` ("saving a document") goes into those messages.
 */
export async function inTransaction<T>(pool: pg.Pool, doing: string, work: (client: pg.PoolClient, tx: Transaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw storageError(err, doing);
  }
  // A connection that dies while checked out reports on its query; this keeps the event from crashing the process.
  const ignore = () => {};
  client.on('error', ignore);
  let broken: Error | undefined;
  let committing = false;
  let rollback = false;
  try {
    await client.query(options.begin ?? 'BEGIN');
    const out = await work(client, { rollback: () => void (rollback = true) });
    if (rollback) {
      await client.query('ROLLBACK');
    } else {
      committing = true;
      await client.query('COMMIT');
    }
    return out;
  } catch (err) {
    if (isConnectionLoss(err)) {
      broken = err as Error;
      if (committing) {
        throw new StorageUnavailableError(
          `the database connection was lost while ${options.committing ?? doing} was being committed (${(err as Error).message}); reload to see whether it was saved`,
          { cause: err },
        );
      }
    } else {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
    }
    throw storageError(err, doing);
  } finally {
    client.off('error', ignore);
    client.release(broken);
  }
}
