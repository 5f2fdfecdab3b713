import { open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { emitJsonSlices } from './json-slices.js';

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
 *
 * With `sliced`, the data is serialised when its turn to be written comes, in slices with turns of
 * the event loop between them, each slice written to the temporary file as it is made (the bytes
 * are those of `JSON.stringify`): a multi-megabyte document never blocks the server for the whole
 * of its serialisation. The caller must then not change the data after `write` (the document store
 * never changes a document in place: it swaps in changed copies).
 */
export class AtomicJSONFile<T> implements Adapter<T> {
  private pending: { data: T | string; waiters: Waiter[] } | null = null;
  private running = false;

  constructor(
    readonly filename: string,
    private readonly options: { sliced?: boolean } = {},
  ) {}

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.filename, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  write(data: T): Promise<void> {
    // Unsliced, the text is made now, so later changes to `data` do not reach the file.
    const next: T | string = this.options.sliced ? data : JSON.stringify(data);
    return new Promise<void>((resolve, reject) => {
      if (this.pending) {
        this.pending.data = next;
        this.pending.waiters.push({ resolve, reject });
      } else {
        this.pending = { data: next, waiters: [{ resolve, reject }] };
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
        await writeDurably(this.filename, this.options.sliced ? batch.data : (batch.data as string), Boolean(this.options.sliced));
        for (const w of batch.waiters) w.resolve();
      } catch (err) {
        for (const w of batch.waiters) w.reject(err);
      }
    }
    this.running = false;
  }
}

/** Writes `data` (a JSON text, or with `sliced` a value serialised here in slices) to `filename` through a temporary file. */
async function writeDurably(filename: string, data: unknown, sliced: boolean): Promise<void> {
  const dir = dirname(filename);
  const temp = join(dir, `${TEMP_PREFIX}${basename(filename)}.${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(temp, 'wx');
    try {
      if (sliced) await emitJsonSlices(data, (piece) => writeAll(handle, Buffer.from(piece, 'utf8')));
      else await handle.writeFile(data as string);
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

async function writeAll(handle: FileHandle, buf: Buffer): Promise<void> {
  for (let at = 0; at < buf.length; ) at += (await handle.write(buf, at, buf.length - at)).bytesWritten;
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
