import type pg from 'pg';
import { Turns, type ExclusiveLease, type JsonState, type StateBackend } from '../state.js';
import { StorageUnavailableError, storageError } from './errors.js';
import { inTransaction } from './transaction.js';
import { describeUrl } from './pool.js';

/**
 * The small states (users.json, team.json, project.json, speakers.json, answers.json) as rows of
 * `data_files (name, content, version)` (migrations 001 and 002): one row per state, `content` the
 * exact bytes the lowdb file would hold (JSON.stringify), so `npm run migrate-store` moves them
 * unchanged both ways. Each opened state is held in memory with the version it was read at.
 *
 * A change is one transaction: the row is read `FOR UPDATE` (inserted first when absent, race-safe
 * with ON CONFLICT), `fn` runs on the newest content, the row gets the new content and version + 1,
 * and only after COMMIT does the result replace the data in memory. Two app servers changing one
 * state therefore take turns and neither loses the other's change. `refresh()` (before each request)
 * reads the versions of every opened state in one query and re-reads only those another server changed.
 */
export class PgStateBackend implements StateBackend {
  private readonly opened = new Map<string, Promise<PgJsonState<object>>>();
  private readonly turns = new Turns();
  readonly where: string;

  constructor(
    private readonly pool: pg.Pool,
    /** How long `exclusive` waits for another server's turn before it gives up (EXCLUSIVE_WAIT_MS). */
    private readonly waitMs = EXCLUSIVE_WAIT_MS,
  ) {
    const url = pool.options.connectionString;
    this.where = `PostgreSQL ${url ? describeUrl(url) : 'database'} (table data_files)`;
  }

  open<T extends object>(name: string, empty: () => T, check: (data: unknown) => string | null): Promise<JsonState<T>> {
    // One instance per state: its changes are queued here, so one connection at a time waits for the row lock.
    let opening = this.opened.get(name);
    if (!opening) {
      opening = PgJsonState.open<T>(this.pool, name, empty, check) as unknown as Promise<PgJsonState<object>>;
      opening.catch(() => this.opened.delete(name));
      this.opened.set(name, opening);
    }
    return opening as unknown as Promise<JsonState<T>>;
  }

  async refresh(): Promise<void> {
    if (this.opened.size === 0) return;
    const states = await Promise.all([...this.opened.values()].map((p) => p.catch(() => null)));
    const live = states.filter((s): s is PgJsonState<object> => s !== null);
    if (!live.length) return;
    let rows: Array<{ name: string; version: string; content: string | null }>;
    try {
      // One round trip: every opened state's version, and the content only of those that changed.
      ({ rows } = await this.pool.query<{ name: string; version: string; content: string | null }>(
        `SELECT d.name, d.version, CASE WHEN d.version <> k.version THEN d.content END AS content
           FROM data_files d JOIN unnest($1::text[], $2::bigint[]) AS k(name, version) USING (name)`,
        [live.map((s) => s.name), live.map((s) => String(s.version))],
      ));
    } catch (err) {
      throw storageError(err, 'reading the shared settings');
    }
    const byName = new Map(live.map((s) => [s.name, s]));
    for (const row of rows) {
      if (row.content !== null) byName.get(row.name)?.caughtUp(row.content, Number(row.version));
    }
  }

  /**
   * Runs `work` holding the session-level advisory lock (EXCLUSIVE_LOCK_CLASS, hashtext(name)) on a
   * connection of its own, taken after the work given here before has settled: work under one name
   * takes turns across every server on the database, and no state row is locked meanwhile. The lock
   * is released in the end whatever happened; a connection lost while waiting for it, or while it is
   * held (which releases it), is a StorageUnavailableError (from `lease.check()` while held).
   * Waiting is bounded (`waitMs`, PostgreSQL's lock_timeout on that connection for the lock query
   * only): when another server's work holds the lock longer (a rename walking a large corpus, or
   * hung), this one gives up with a StorageUnavailableError (503, "try again"), `work` not run.
   */
  exclusive<T>(name: string, work: (lease: ExclusiveLease) => Promise<T>): Promise<T> {
    return this.turns.run(name, async () => {
      const doing = `waiting for the lock on ${name}`;
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw storageError(err, doing);
      }
      let lost: Error | undefined;
      const onError = (err: Error) => void (lost ??= err);
      const onEnd = () => void (lost ??= new Error('Connection terminated'));
      client.on('error', onError);
      client.on('end', onEnd);
      let locked = false;
      try {
        try {
          // SET LOCAL lasts to the end of this transaction; the session lock outlives it.
          await client.query('BEGIN');
          await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(this.waitMs))}`);
          await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [EXCLUSIVE_LOCK_CLASS, name]);
          await client.query('COMMIT');
        } catch (err) {
          if ((err as { code?: string }).code === LOCK_NOT_AVAILABLE) {
            await client.query('ROLLBACK').catch((e: Error) => void (lost ??= e));
            throw new StorageUnavailableError(
              `another server has held the lock on ${name} for over ${this.waitMs >= 1000 ? `${Math.round(this.waitMs / 1000)} s` : `${this.waitMs} ms`} (its work is still running, or hung); nothing was changed here, try again later`,
              { cause: err },
            );
          }
          lost ??= err as Error;
          throw storageError(err, doing);
        }
        locked = true;
        return await work({
          check() {
            if (lost) {
              throw new StorageUnavailableError(`the database connection holding the lock on ${name} was lost (${lost.message}); nothing more was written, try again`, { cause: lost });
            }
          },
        });
      } finally {
        if (locked && !lost) {
          await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [EXCLUSIVE_LOCK_CLASS, name]).catch((err: Error) => void (lost ??= err));
        }
        client.off('error', onError);
        client.off('end', onEnd);
        // A connection that lost or may still hold the lock is closed (which releases it), never pooled.
        client.release(lost);
      }
    });
  }
}

/** How long `PgStateBackend.exclusive` waits for the lock by default. */
export const EXCLUSIVE_WAIT_MS = 60_000;

/** SQLSTATE of a lock wait that ran past lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';

/** The first key of the advisory locks of `PgStateBackend.exclusive` (the second is hashtext of the name). */
export const EXCLUSIVE_LOCK_CLASS = 0x46574c4b; // "FWLK"

/** One state's row, held in memory; see PgStateBackend. */
class PgJsonState<T extends object> implements JsonState<T> {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly repairs: Array<(data: T) => void> = [];

  private constructor(
    private readonly pool: pg.Pool,
    readonly name: string,
    private readonly empty: () => T,
    private current: T,
    /** The row's version `current` was read at or written as; 0 when there was no row. */
    public version: number,
  ) {}

  static async open<T extends object>(pool: pg.Pool, name: string, empty: () => T, check: (data: unknown) => string | null): Promise<PgJsonState<T>> {
    let rows: Array<{ content: string; version: string }>;
    try {
      ({ rows } = await pool.query<{ content: string; version: string }>('SELECT content, version FROM data_files WHERE name = $1', [name]));
    } catch (err) {
      throw storageError(err, `reading ${name}`);
    }
    if (!rows.length) return new PgJsonState(pool, name, empty, empty(), 0);
    const data = parseRow<T>(name, rows[0].content, empty);
    const problem = check(data);
    if (problem) throw damaged(name, problem);
    return new PgJsonState(pool, name, empty, data, Number(rows[0].version));
  }

  get data(): Readonly<T> {
    return this.current;
  }

  /** Applied now, and again to whatever is read later (another server's change, a row copied by migrate-store). */
  repair(fn: (data: T) => void): void {
    this.repairs.push(fn);
    fn(this.current);
  }

  /** Takes another server's change, read by refresh(). A row that no longer parses keeps what was held, and throws naming it. */
  caughtUp(content: string, version: number): void {
    // An update here may have committed a newer version while the refresh query ran: never go back.
    if (version <= this.version) return;
    const data = parseRow<T>(this.name, content, this.empty);
    for (const fn of this.repairs) fn(data);
    this.current = data;
    this.version = version;
  }

  update<R>(fn: (draft: T) => R | Promise<R>): Promise<R> {
    const run = () => this.change(fn);
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private change<R>(fn: (draft: T) => R | Promise<R>): Promise<R> {
    return inTransaction(
      this.pool,
      `saving ${this.name}`,
      async (client, tx) => {
        let row = await lockRow(client, this.name);
        if (!row) {
          // Absent: create it (version 0, replaced below in this transaction, gone with a rollback).
          // ON CONFLICT waits for another server inserting it at the same time, then finds its row.
          await client.query('INSERT INTO data_files (name, content, version) VALUES ($1, $2, 0) ON CONFLICT (name) DO NOTHING', [this.name, JSON.stringify(this.empty())]);
          row = (await lockRow(client, this.name))!;
        }
        const version = Number(row.version);
        let base: T;
        if (version === this.version) {
          base = this.current;
        } else {
          base = version === 0 ? this.empty() : parseRow<T>(this.name, row.content, this.empty);
          for (const repair of this.repairs) repair(base);
        }
        const before = JSON.stringify(base);
        const draft = structuredClone(base);
        const result = await fn(draft);
        const after = JSON.stringify(draft);
        if (after === before) {
          // Nothing to write; a row inserted above goes with the rollback.
          tx.rollback();
          return { result, data: base, version };
        }
        await client.query('UPDATE data_files SET content = $2, version = $3 WHERE name = $1', [this.name, after, version + 1]);
        return { result, data: draft, version: version + 1 };
      },
      { committing: this.name },
    ).then(({ result, data, version }) => {
      // Only after COMMIT (or the rollback of an unchanged draft): never go back to an older version.
      if (version > this.version || data === this.current) {
        this.current = data;
        this.version = version;
      }
      return result;
    });
  }
}

async function lockRow(client: pg.PoolClient, name: string): Promise<{ content: string; version: string } | undefined> {
  const { rows } = await client.query<{ content: string; version: string }>('SELECT content, version FROM data_files WHERE name = $1 FOR UPDATE', [name]);
  return rows[0];
}

function damaged(name: string, problem: string): Error {
  return new Error(`the data_files row "${name}" in the database is damaged (${problem}); restore it from a backup or fix it by hand`);
}

/** The row's JSON; `null` (as a lowdb file holding `null`) means empty. Not JSON throws naming the row. */
function parseRow<T>(name: string, content: string, empty: () => T): T {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (err) {
    throw damaged(name, (err as Error).message);
  }
  return (data ?? empty()) as T;
}
