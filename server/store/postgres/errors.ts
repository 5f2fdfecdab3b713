/**
 * PostgreSQL could not be reached, or the connection was lost mid-request: the transaction (if
 * any) rolled back and nothing was written. The HTTP layer answers 503; the client may retry.
 */
export class StorageUnavailableError extends Error {
  readonly status = 503;
  readonly code = 'storage_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Node socket errors that mean the database is not there (or no longer). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether `err` says the connection is gone or unusable rather than that the statement was
 * wrong: SQLSTATE class 08 (connection exception), 57P01-57P03 (terminated, shutting down, not
 * accepting connections), 25006 (the database became read-only), socket errors, and node-postgres's
 * own "Connection terminated" errors.
 */
export function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '25006') return true;
  if (SOCKET_CODES.has(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed/i.test(message);
}

/** `err` as a StorageUnavailableError when it is a connection loss; anything else unchanged. */
export function storageError(err: unknown, doing: string): unknown {
  if (err instanceof StorageUnavailableError || !isConnectionLoss(err)) return err;
  const reason = (err as Error).message || String(err);
  return new StorageUnavailableError(`the database could not be reached while ${doing} (${reason}); nothing was saved, try again`, { cause: err });
}
