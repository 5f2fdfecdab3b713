import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

/** Temporary files start with this prefix; anything left with it after a crash is garbage. */
export const TEMP_PREFIX = '.tmp-';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * A lowdb adapter like `JSONFile`, but durable: each write goes to a fresh temporary file in the
 * same folder, is fsynced, then renamed over the target, and the folder is fsynced so the rename
 * itself survives a power cut. A write's promise resolves only once its data is on disk.
 * Writes through one instance never overlap; writes asked for while one is running are coalesced
 * into one, with the newest data (each snapshot of a store contains every earlier one). When a
 * write fails, the writes queued behind it still run with that newest data: a caller that must not
 * persist a failed change has to keep it out of later snapshots itself (DocumentStore does, by
 * writing one snapshot at a time and rolling back on failure).
 * A missing file reads as `null`; any other read error (including invalid JSON) is rethrown.
 */
export class AtomicJSONFile<T> implements Adapter<T> {
  private pending: { json: string; waiters: Waiter[] } | null = null;
  private running = false;

  constructor(readonly filename: string) {}

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.filename, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  write(data: T): Promise<void> {
    const json = JSON.stringify(data);
    return new Promise<void>((resolve, reject) => {
      if (this.pending) {
        this.pending.json = json;
        this.pending.waiters.push({ resolve, reject });
      } else {
        this.pending = { json, waiters: [{ resolve, reject }] };
      }
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.pending) {
      const batch = this.pending;
      this.pending = null;
      try {
        await writeDurably(this.filename, batch.json);
        for (const w of batch.waiters) w.resolve();
      } catch (err) {
        for (const w of batch.waiters) w.reject(err);
      }
    }
    this.running = false;
  }
}

async function writeDurably(filename: string, json: string): Promise<void> {
  const dir = dirname(filename);
  const temp = join(dir, `${TEMP_PREFIX}${basename(filename)}.${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(json);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, filename);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

/** fsyncs a folder, so that a rename or unlink in it survives a power cut. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Deletes the temporary files a crash left in `dir` (only files named with TEMP_PREFIX, never a
 * data file). Call it only while holding the data folder's lock. Returns the names removed.
 */
export async function removeTempFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    await unlink(join(dir, name));
    removed.push(name);
  }
  if (removed.length) await syncDir(dir);
  return removed;
}
