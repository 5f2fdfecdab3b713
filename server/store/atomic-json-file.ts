import { open, readFile, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * A lowdb adapter like `JSONFile`, but durable: each write goes to a fresh temporary file in the
 * same folder, is fsynced, then renamed over the target, and the folder is fsynced so the rename
 * itself survives a power cut. Writes through one instance run one after another.
 * A missing file reads as `null`; any other read error is rethrown.
 */
export class AtomicJSONFile<T> implements Adapter<T> {
  private queue: Promise<void> = Promise.resolve();

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
    const next = this.queue.then(() => writeDurably(this.filename, json));
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** Temporary files start with this prefix; anything left with it after a crash is garbage. */
export const TEMP_PREFIX = '.tmp-';

async function writeDurably(filename: string, json: string): Promise<void> {
  const dir = dirname(filename);
  const temp = join(dir, `${TEMP_PREFIX}${basename(filename)}.${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(json);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, filename);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
