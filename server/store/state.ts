import { join } from 'node:path';
import { SerialJsonStore } from '../auth/serial-json-store.js';

/**
 * One small piece of shared state (users.json, team.json, project.json, speakers.json,
 * answers.json): held in memory for synchronous reads, changed by serialised read-modify-write.
 * `update` applies `fn` to a copy of the newest data, writes it durably, and only then swaps it in:
 * a `fn` that throws, or a failed write, changes nothing anywhere.
 */
export interface JsonState<T extends object> {
  /** The data as of the last `update` here or the last `StateBackend.refresh`. Do not mutate it. */
  readonly data: Readonly<T>;
  /**
   * `fn` may be async (its promise is awaited before anything is written). A draft left exactly as
   * it was (same JSON) is not written at all.
   */
  update<R>(fn: (draft: T) => R | Promise<R>): Promise<R>;
  /** Fills in missing parts of the data read at open, in memory only (written with the next update). */
  repair(fn: (data: T) => void): void;
}

/**
 * Where the small states live: one file each in the data folder (FileStateBackend, the default),
 * or one row each in PostgreSQL (server/store/postgres/pg-state.ts) for several app servers.
 * The names are the lowdb file names, so `npm run migrate-store` moves them unchanged.
 */
export interface StateBackend {
  /** Opens the named state: absent means `empty()`; damaged (bad JSON, a failed `check`) throws naming it. */
  open<T extends object>(name: string, empty: () => T, check: (data: unknown) => string | null): Promise<JsonState<T>>;
  /**
   * Brings every opened state up to date with changes other processes made (called before each
   * request on a shared database; a no-op for files, which only this process writes).
   */
  refresh(): Promise<void>;
  /** Where the states are, for messages: a folder, or the database. */
  readonly where: string;
  /**
   * Runs `work` holding the lock `name` (a lock of its own, not a state's row: no state is locked
   * meanwhile), so such work takes turns within this process and, on PostgreSQL, with every server
   * on the database (a session-level advisory lock). Optional: a backend without it only has
   * `Turns` within the process. Used by the speaker relabels (server/services/speakers.ts).
   */
  exclusive?<T>(name: string, work: (lease: ExclusiveLease) => Promise<T>): Promise<T>;
}

/** Given to the work of `StateBackend.exclusive`. */
export interface ExclusiveLease {
  /**
   * Throws when the lock has been lost meanwhile (on PostgreSQL: its connection died, which releases
   * it; StorageUnavailableError): call it before each write that must not overlap another holder's.
   */
  check(): void;
}

/** One queue per name: the work given for a name runs after the work given before it has settled. */
export class Turns {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(name: string, work: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(name) ?? Promise.resolve()).then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(name, tail);
    void tail.then(() => {
      if (this.tails.get(name) === tail) this.tails.delete(name);
    });
    return result;
  }
}

/** The lease of a lock that cannot be lost (held in this process only). */
export const HELD: ExclusiveLease = { check() {} };

/** The states as JSON files in the data folder, written durably (AtomicJSONFile: temp file, fsync, rename). */
export class FileStateBackend implements StateBackend {
  private readonly opened = new Map<string, Promise<JsonState<object>>>();
  private readonly turns = new Turns();

  constructor(readonly dataDir: string) {}

  get where(): string {
    return this.dataDir;
  }

  open<T extends object>(name: string, empty: () => T, check: (data: unknown) => string | null): Promise<JsonState<T>> {
    // One instance per file: two instances would each serialise their own writes, not each other's.
    let opening = this.opened.get(name);
    if (!opening) {
      opening = SerialJsonStore.open<T>(join(this.dataDir, name), empty, check) as Promise<JsonState<object>>;
      opening.catch(() => this.opened.delete(name));
      this.opened.set(name, opening);
    }
    return opening as Promise<JsonState<T>>;
  }

  async refresh(): Promise<void> {}

  /** Within this process only: the data folder is locked to one process (server/store/lock.ts). */
  exclusive<T>(name: string, work: (lease: ExclusiveLease) => Promise<T>): Promise<T> {
    return this.turns.run(name, () => work(HELD));
  }
}

/** `states` itself, or the data folder it names wrapped in a FileStateBackend (the stores' `open(dataDir)` of before). */
export function stateBackendOf(states: StateBackend | string): StateBackend {
  return typeof states === 'string' ? new FileStateBackend(states) : states;
}
