import { link, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { readFileSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file's name inside DATA_DIR. */
export const LOCK_FILE = 'framewise.lock';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** Thrown when another live process holds the data folder. */
export class DataDirLockedError extends Error {
  constructor(readonly lockFile: string, readonly owner: LockOwner) {
    super(
      `${lockFile} says the data folder is in use by process ${owner.pid} on ${owner.host} (since ${owner.startedAt}). ` +
        'Only one Framewise process may write a data folder at a time. Stop the other one, or, if you are sure no ' +
        'Framewise process uses this folder, delete the lock file and start again.',
    );
  }
}

/**
 * An exclusive claim on a data folder: `<dataDir>/framewise.lock` holds the owner's pid. It is
 * created atomically (written to a temporary file, then hard-linked into place, which fails if
 * the lock exists). A lock left by a process that no longer runs on this host is taken over; a
 * live owner, or one on another host, makes `acquire` throw DataDirLockedError.
 */
export class DataDirLock {
  private constructor(readonly lockFile: string, readonly pid: number) {}

  static async acquire(dataDir: string, pid = process.pid): Promise<DataDirLock> {
    await mkdir(dataDir, { recursive: true });
    const lockFile = join(dataDir, LOCK_FILE);
    const me: LockOwner = { pid, host: hostname(), startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await createExclusive(lockFile, me)) {
        await removeLeftovers(dataDir);
        return new DataDirLock(lockFile, pid);
      }
      const owner = await readOwner(lockFile);
      if (!owner) continue; // released or taken over meanwhile: try again
      if (owner.pid !== pid && (owner.host !== me.host || isAlive(owner.pid))) throw new DataDirLockedError(lockFile, owner);
      await takeOverStale(lockFile, owner);
    }
    throw new Error(`could not take ${lockFile}: other processes keep racing for it`);
  }

  /** Deletes the lock if it is still ours. Synchronous, so it can run in a process 'exit' handler. */
  releaseSync(): void {
    try {
      const owner = JSON.parse(readFileSync(this.lockFile, 'utf8')) as LockOwner;
      if (owner.pid === this.pid) unlinkSync(this.lockFile);
    } catch {
      // already gone or replaced: nothing of ours to release
    }
  }
}

/**
 * Takes the data folder's lock for this process and releases it when the process exits; when a
 * live process holds it, returns the reason in words instead (other errors are rethrown).
 */
export async function lockDataDirForProcess(dataDir: string): Promise<{ refused: string } | { lock: DataDirLock }> {
  try {
    const lock = await DataDirLock.acquire(dataDir);
    process.on('exit', () => lock.releaseSync());
    return { lock };
  } catch (err) {
    if (err instanceof DataDirLockedError) return { refused: err.message };
    throw err;
  }
}

async function createExclusive(lockFile: string, owner: LockOwner): Promise<boolean> {
  const temp = `${lockFile}.${owner.pid}.${randomBytes(4).toString('hex')}`;
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(JSON.stringify(owner));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, lockFile);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temp);
  }
}

/** The lock's owner, or `null` if the file is gone. A lock that cannot be parsed counts as stale. */
async function readOwner(lockFile: string): Promise<LockOwner | null> {
  let text: string;
  try {
    text = await readFile(lockFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    if (Number.isInteger(owner.pid) && typeof owner.host === 'string') return owner;
  } catch {
    // fall through
  }
  return { pid: -1, host: hostname(), startedAt: 'unknown' };
}

/**
 * Moves a stale lock aside. If another process replaced it with a live lock in the meantime,
 * what was moved is that live lock: it is put back and the take-over is abandoned.
 */
async function takeOverStale(lockFile: string, stale: LockOwner): Promise<void> {
  const aside = `${lockFile}.stale.${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockFile, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await readOwner(aside);
  if (moved && moved.pid !== stale.pid) {
    await link(aside, lockFile).catch(() => undefined);
  }
  await unlink(aside);
}

/** Deletes `framewise.lock.<pid>.<x>` temp files and `.stale.` copies whose process is gone. */
async function removeLeftovers(dataDir: string): Promise<void> {
  for (const name of await readdir(dataDir)) {
    if (!name.startsWith(`${LOCK_FILE}.`)) continue;
    const path = join(dataDir, name);
    const owner = name.startsWith(`${LOCK_FILE}.stale.`) ? await readOwner(path) : { pid: Number(name.split('.')[2]) };
    if (!owner || !isAlive(owner.pid)) await unlink(path).catch(() => undefined);
  }
}

/** True when a process with this pid exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
