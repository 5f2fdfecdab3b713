import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createInflateRaw, type InflateRaw } from 'node:zlib';
import { setImmediate as nextTurn } from 'node:timers/promises';
import tar from 'tar-stream';
import { Unzip, unzipSync, type AsyncFlateStreamHandler, type FlateError, type UnzipDecoder, type UnzipFile } from 'fflate';

export interface NamedFile {
  /** Path inside the archive or folder, `/`-separated. */
  name: string;
  content: Uint8Array;
}

export interface ArchiveLimits {
  /** Entries in the archive (files, folders, links: every entry counts). */
  files: number;
  /** Total bytes actually inflated from the archive's files. */
  bytes: number;
}

/** An archive entry that is not imported, and why. */
export interface SkippedEntry {
  name: string;
  reason: string;
}

export interface ArchiveContents {
  files: NamedFile[];
  skipped: SkippedEntry[];
}

/** Thrown when an archive holds more than the limits allow; nothing of it is used. */
export class ArchiveTooLarge extends Error {}
/** Thrown when an archive is damaged or lies about its contents; nothing of it is used. */
export class ArchiveBroken extends Error {}

export function isArchiveName(name: string): boolean {
  return /\.(tar|tgz|tar\.gz|zip)$/i.test(name);
}

/** Compressed bytes handed to the zip inflater per step; deflate expands at most ~1032x, so one step makes at most ~4 MB. */
const ZIP_CHUNK = 4 * 1024;

/**
 * The regular files in a `.tar`, `.tar.gz`/`.tgz` or `.zip`, inflated one entry at a time while the
 * bytes actually produced are counted (never the sizes the archive declares): past `limits.bytes`
 * or `limits.files` it stops with `ArchiveTooLarge`. A damaged archive, an entry shorter than its
 * header says or a zip entry inflating to more than it declares is `ArchiveBroken`. Every error is
 * handled on every stream, so no archive can end the process. Names `./x` and a single top folder
 * shared by every file are stripped; folders, links, hidden files and names with `..` are listed in
 * `skipped` with the reason.
 */
export async function readArchive(name: string, bytes: Uint8Array, limits: ArchiveLimits): Promise<ArchiveContents> {
  const raw = /\.zip$/i.test(name) ? await readZip(bytes, limits) : await readTar(bytes, /\.(tgz|tar\.gz)$/i.test(name), limits);
  return stripTopFolder(raw);
}

/** Collects entries and keeps the running totals against the limits. */
class Collector {
  readonly files: NamedFile[] = [];
  readonly skipped: SkippedEntry[] = [];
  private entries = 0;
  private bytes = 0;
  constructor(private readonly limits: ArchiveLimits) {}

  /** Counts one entry; an error once there are too many. */
  entry(): ArchiveTooLarge | null {
    return ++this.entries > this.limits.files ? new ArchiveTooLarge(`the archive holds more than ${this.limits.files} entries; the limit is ${this.limits.files}`) : null;
  }

  sawEntries(): boolean {
    return this.entries > 0;
  }

  /** An error when `n` more bytes would pass the limit (nothing is counted). */
  wouldPass(n: number): ArchiveTooLarge | null {
    return this.bytes + n > this.limits.bytes ? this.tooLarge() : null;
  }

  private tooLarge(): ArchiveTooLarge {
    return new ArchiveTooLarge(`the archive expands to more than ${this.limits.bytes} bytes; the limit is ${this.limits.bytes} (${this.limits.bytes / 1024 / 1024} MB)`);
  }

  /** Counts inflated bytes; an error once the total passes the limit. */
  produced(n: number): ArchiveTooLarge | null {
    this.bytes += n;
    return this.bytes > this.limits.bytes ? this.tooLarge() : null;
  }
}

/** Why an entry name is not imported, or `null` when it is usable; `name` has `./` already removed. */
function unusable(name: string): string | null {
  if (name === '') return 'the archive folder itself';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'an absolute path';
  if (name.split('/').includes('..')) return 'a path with ".."';
  if (/(^|\/)__MACOSX\//.test(name)) return 'macOS resource data';
  if (/(^|\/)\./.test(name)) return 'a hidden file';
  return null;
}

function cleanName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

function stripTopFolder(c: ArchiveContents): ArchiveContents {
  const tops = new Set(c.files.map((f) => (f.name.includes('/') ? f.name.slice(0, f.name.indexOf('/')) : '')));
  if (tops.size !== 1 || tops.has('')) return c;
  const [top] = tops;
  return { files: c.files.map((f) => ({ ...f, name: f.name.slice(top.length + 1) })), skipped: c.skipped };
}

async function readTar(bytes: Uint8Array, gzipped: boolean, limits: ArchiveLimits): Promise<ArchiveContents> {
  const out = new Collector(limits);
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    // Handlers first: the entry stream can fail (a header promising more data than there is).
    const chunks: Buffer[] = [];
    const name = cleanName(header.name);
    const why = header.type !== 'file' ? `a ${header.type ?? 'special'} entry, not a file` : unusable(name);
    stream.on('error', (err) => extract.destroy(err));
    stream.on('data', (data: unknown) => {
      const c = data as Buffer;
      const over = out.produced(c.length);
      if (over) return void extract.destroy(over);
      if (!why) chunks.push(c);
    });
    stream.on('end', () => {
      if (why) {
        if (name !== '') out.skipped.push({ name, reason: why });
      } else out.files.push({ name, content: Buffer.concat(chunks) });
      next();
    });
    const tooMany = out.entry();
    if (tooMany) extract.destroy(tooMany);
  });
  try {
    const source = Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
    if (gzipped) {
      // The tar inside a gzip is counted as it is inflated too, so a forged size cannot make it grow unseen.
      const gunzip = createGunzip();
      let inflated = 0;
      const cap = limits.bytes + (limits.files + 2) * 1024;
      gunzip.on('data', (c: Buffer) => {
        inflated += c.length;
        if (inflated > cap) gunzip.destroy(new ArchiveTooLarge(`the archive expands to more than ${limits.bytes} bytes; the limit is ${limits.bytes} (${limits.bytes / 1024 / 1024} MB)`));
      });
      await pipeline(source, gunzip, extract);
    } else {
      await pipeline(source, extract);
    }
  } catch (err) {
    throw asArchiveError(err, gzipped ? 'not a readable .tar.gz archive' : 'not a readable .tar archive');
  }
  return { files: out.files, skipped: out.skipped };
}

function asArchiveError(err: unknown, what: string): Error {
  if (err instanceof ArchiveTooLarge || err instanceof ArchiveBroken) return err;
  return new ArchiveBroken(`${what}: ${(err as Error)?.message ?? String(err)}`);
}

/**
 * fflate's streaming `Unzip` reads the entries (never its `unzip`, which starts one worker thread per
 * entry); deflated entries are inflated by Node's zlib, which runs on the libuv thread pool, so the
 * main thread only hands over compressed bytes and counts what comes out (fflate's own inflater runs
 * on this thread: 200 MB of output held the event loop for seconds). The archive is pushed in small
 * chunks, and the next chunk waits until zlib has taken the previous one, so only the few entries
 * of one chunk inflate at once, never one stream per entry of the archive.
 */
async function readZip(bytes: Uint8Array, limits: ArchiveLimits): Promise<ArchiveContents> {
  checkZipDirectory(bytes, limits);
  const out = new Collector(limits);
  let failure: Error | null = null;
  const fail = (err: Error) => {
    failure ??= err;
  };
  const unzipper = new Unzip((file: UnzipFile) => {
    if (failure) return;
    const tooMany = out.entry();
    if (tooMany) return fail(tooMany);
    const name = cleanName(file.name);
    const why = name.endsWith('/') ? (name === '' ? null : 'a folder') : unusable(name);
    if (why) {
      if (why !== 'a folder') out.skipped.push({ name, reason: why });
      return;
    }
    if (file.originalSize !== undefined) {
      // An honest declared size over what is left is refused before inflating; a lying one is caught below.
      const over = out.wouldPass(file.originalSize);
      if (over) return fail(over);
    }
    const chunks: Uint8Array[] = [];
    let produced = 0;
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      if (err) return fail(new ArchiveBroken(`${name}: ${err.message}`));
      produced += chunk.length;
      const over = out.produced(chunk.length);
      if (over) return fail(over);
      if (file.originalSize !== undefined && produced > file.originalSize) return fail(new ArchiveBroken(`${name}: the entry inflates to more than the ${file.originalSize} bytes it declares`));
      chunks.push(chunk);
      if (final) out.files[slot] = { name, content: Buffer.concat(chunks) };
    };
    // Entries inflate side by side on zlib's threads and may end in any order: each keeps its place.
    const slot = out.files.push({ name, content: new Uint8Array(0) }) - 1;
    try {
      file.start();
    } catch (err) {
      out.files.pop();
      out.skipped.push({ name, reason: `compressed with a method Framewise cannot read (${file.compression}): ${(err as Error).message}` });
    }
  });
  const inflaters = new ZlibInflaters();
  unzipper.register(inflaters.decoder());
  try {
    for (let at = 0; at < bytes.length && !failure; at += ZIP_CHUNK) {
      unzipper.push(bytes.subarray(at, Math.min(at + ZIP_CHUNK, bytes.length)), at + ZIP_CHUNK >= bytes.length);
      await inflaters.taken();
      await nextTurn();
    }
    if (bytes.length === 0) throw new Error('the file is empty');
    if (!failure) await inflaters.finished();
  } catch (err) {
    fail(asArchiveError(err, 'not a readable zip archive'));
  } finally {
    inflaters.stop();
  }
  if (failure) throw failure;
  if (!out.sawEntries()) throw new ArchiveBroken('not a readable zip archive: no zip entries found');
  return { files: out.files, skipped: out.skipped };
}

/** Output chunks of zlib: fewer, larger events than its 16 KB default. */
const INFLATE_CHUNK = 64 * 1024;

/**
 * The deflate decoders of one zip read, as fflate `UnzipDecoder`s over `zlib.createInflateRaw`:
 * their output reaches the entry's `ondata` as zlib produces it, errors as a `FlateError`.
 */
class ZlibInflaters {
  private readonly open = new Set<InflateRaw>();
  private writes: Promise<void>[] = [];
  private ends: Promise<void>[] = [];

  decoder(): { new (): UnzipDecoder; compression: number } {
    const self = this;
    return class implements UnzipDecoder {
      static compression = 8;
      ondata: AsyncFlateStreamHandler = () => {};
      private readonly stream = createInflateRaw({ chunkSize: INFLATE_CHUNK });

      /** Settles when the stream has ended, failed or been stopped. */
      private readonly ended: Promise<void>;

      constructor() {
        const stream = this.stream;
        self.open.add(stream);
        stream.on('data', (chunk: Buffer) => this.ondata(null, chunk as Uint8Array<ArrayBuffer>, false));
        this.ended = new Promise<void>((resolve) => {
          stream.on('end', () => {
            self.open.delete(stream);
            this.ondata(null, new Uint8Array(0), true);
            resolve();
          });
          stream.on('error', (err) => {
            self.open.delete(stream);
            this.ondata(Object.assign(err, { code: 0 }) as FlateError, new Uint8Array(0), true);
            resolve();
          });
          stream.on('close', () => resolve());
        });
        self.ends.push(this.ended);
      }

      push(chunk: Uint8Array, final: boolean): void {
        if (this.stream.destroyed) return;
        // fflate's buffer may be reused: zlib gets its own copy of these (compressed, small) bytes.
        // A failed stream may never call back for what it was given: its end settles the wait too.
        self.writes.push(Promise.race([new Promise<void>((resolve) => this.stream.write(Buffer.from(chunk), () => resolve())), this.ended]));
        if (final) this.stream.end();
      }

      terminate(): void {
        self.open.delete(this.stream);
        this.stream.destroy();
      }
    };
  }

  /** Resolves once zlib has taken every chunk handed to it so far. */
  async taken(): Promise<void> {
    const writes = this.writes;
    this.writes = [];
    await Promise.all(writes);
  }

  /** Resolves once every entry started has ended (or failed). */
  async finished(): Promise<void> {
    await this.taken();
    await Promise.all(this.ends);
  }

  /** Stops every inflater still running (a failure, or the end of the read). */
  stop(): void {
    for (const stream of this.open) stream.destroy();
    this.open.clear();
  }
}

/**
 * A first look at the zip's central directory only (fflate's `unzipSync` with a filter that takes
 * nothing inflates nothing): too many entries, or declared sizes over the limit, are refused before
 * a byte is inflated. Declared sizes can lie low; the streaming pass counts what is really produced.
 */
function checkZipDirectory(bytes: Uint8Array, limits: ArchiveLimits): void {
  let entries = 0;
  let declared = 0;
  try {
    unzipSync(bytes, {
      filter: (f) => {
        entries++;
        declared += f.originalSize;
        return false;
      },
    });
  } catch (err) {
    throw new ArchiveBroken(`not a readable zip archive: ${(err as Error).message}`);
  }
  if (entries > limits.files) throw new ArchiveTooLarge(`the archive holds more than ${limits.files} entries; the limit is ${limits.files}`);
  if (declared > limits.bytes) throw new ArchiveTooLarge(`the archive declares ${declared} bytes once inflated; the limit is ${limits.bytes} (${limits.bytes / 1024 / 1024} MB)`);
}
