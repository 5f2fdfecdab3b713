import pg from 'pg';
import { isConnectionLoss } from './errors.js';

/** DATABASE_URL names no usable PostgreSQL database; the message says what is wrong (never the password). */
export class DatabaseUnusableError extends Error {}

export interface PoolOptions {
  /** Connections this process may hold (default 10). */
  max?: number;
  /** Shown in pg_stat_activity; lets an operator tell the servers apart. */
  applicationName?: string;
  /** How long to wait for a connection, in milliseconds (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * For tools that only read (npm run export): every connection is made read-only as it is opened
   * (SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY, whatever DATABASE_URL's `?options=` says),
   * and a read-only database or standby is accepted.
   */
  readOnly?: boolean;
}

/** `user@host:port/database` of a URL, for messages: the password is left out. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${user}${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname || '/'}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** Why `url` cannot be a DATABASE_URL, or `null`. */
export function databaseUrlProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'DATABASE_URL is not a URL; write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE';
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    return `DATABASE_URL must start with postgres:// or postgresql://, not ${u.protocol}//; write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE`;
  }
  if (u.pathname === '' || u.pathname === '/') return 'DATABASE_URL names no database; add it after the host, as in postgres://USER@HOST:5432/framewise';
  return null;
}

/**
 * A pg Pool on `url`, checked before it is handed out: the URL parses, the server answers, the
 * login and database exist, and (unless `options.readOnly`) the database accepts writes. Any of these failing throws a
 * DatabaseUnusableError naming the problem, for main.ts to print before exiting.
 * Idle connections that die (a restarted server, pg_terminate_backend) are dropped by the pool
 * and reported on `onIdleError`, never crash the process.
 */
export async function openPool(url: string, options: PoolOptions = {}, onIdleError: (err: Error) => void = () => {}): Promise<pg.Pool> {
  const problem = databaseUrlProblem(url);
  if (problem) throw new DatabaseUnusableError(problem);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'framewise',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    // Run on each new connection before the pool hands it out (a failure is a failed connect). Not
    // the `options` startup parameter: an `?options=` in DATABASE_URL would silently replace it.
    ...(options.readOnly ? { onConnect: async (client: pg.ClientBase) => void (await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY')) } : {}),
  });
  pool.on('error', onIdleError);
  try {
    const { rows } = await pool.query<{ recovery: boolean; read_only: string }>(
      "SELECT pg_is_in_recovery() AS recovery, current_setting('default_transaction_read_only') AS read_only",
    );
    const where = describeUrl(url);
    if (options.readOnly) return pool;
    if (rows[0].recovery) throw new DatabaseUnusableError(`the database ${where} is a read-only standby (in recovery); point DATABASE_URL at the primary server`);
    if (rows[0].read_only === 'on') {
      throw new DatabaseUnusableError(`the database ${where} is read-only (default_transaction_read_only is on); Framewise needs to write to it`);
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof DatabaseUnusableError) throw err;
    throw new DatabaseUnusableError(connectProblem(err, url), { cause: err });
  }
  return pool;
}

/** A sentence for a failed first connection. */
function connectProblem(err: unknown, url: string): string {
  const e = err as { code?: string; message?: string };
  const where = describeUrl(url);
  const u = new URL(url);
  switch (e.code) {
    case 'ECONNREFUSED':
      return `cannot reach PostgreSQL at ${where}: connection refused (is the server running and listening on that host and port?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach PostgreSQL at ${where}: the host name ${u.hostname} is not known`;
    case '28P01':
    case '28000':
      return `PostgreSQL at ${where} refused the login: ${e.message} (check the user and password in DATABASE_URL)`;
    case '3D000':
      return `PostgreSQL at ${where} has no such database: ${e.message} (create it with createdb, or fix DATABASE_URL)`;
    default:
      if (isConnectionLoss(err)) return `cannot reach PostgreSQL at ${where}: ${e.message ?? String(err)}`;
      return `PostgreSQL at ${where} cannot be used: ${e.message ?? String(err)}`;
  }
}
