import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SearchIndex, keyParts } from './search-index.js';

/**
 * The search index kept beside the documents: `<dataDir>/index/search.bin`, written in the
 * background after changes (a temporary file, then rename) and read at start instead of indexing
 * every document again. Layout (little-endian), version 2:
 *   `FWSEARCH` · u32 version · u32 n · JSON {savedAt} (u32 length first) ·
 *   the documents: blocks (u32 length, then lines joined by `\n`, a u32 0 after the last block),
 *   one line per document number, `null` (a dead number) or JSON `[id, key, size, mtimeMs]`
 *   (`[id, key]` without a file stamp) · u32 × 3n field lengths · u32 term count · the terms,
 *   sorted, in blocks the same way, one a line · per term: u32 postings, i32 last document,
 *   u32 bytes, the bytes · SHA-256 of all that.
 * The blocks are small (64 K characters at most) so that both writing and reading do bounded work
 * between turns of the event loop. Version 1 (the documents and their stamps in one JSON header,
 * the terms in one piece) is still read, in one piece; it is written as version 2 next time.
 * A file that does not check out (other magic or version, wrong hash, a shape that does not add
 * up) is reported and ignored, never trusted: the index is then built from the documents.
 */
export const SEARCH_INDEX_VERSION = 2;
/** Characters of lines gathered into one block of the file. */
const BLOCK_CHARS = 64 * 1024;
const MAGIC = Buffer.from('FWSEARCH');
/** Prefix of the temporary file a write goes to before it is renamed over the index file. */
export const TEMP_MARK = '.search.bin.tmp-';

export function searchIndexPath(dataDir: string): string {
  return join(dataDir, 'index', 'search.bin');
}

/**
 * Writes `index` as it is now to `file` through one buffer of `chunkBytes` (1 MB): the buffer is
 * filled (the documents and terms a block of lines at a time, the lists copied), then written while
 * other work runs; the swap of a compaction is held off meanwhile. The index folder is created, but not the data folder.
 */
export async function writeSearchIndex(file: string, index: SearchIndex, stampOf: (id: string) => FileStampLike | null = () => null, chunkBytes = 2 ** 20): Promise<void> {
  const release = index.pin();
  const temp = join(dirname(file), `${TEMP_MARK}${randomBytes(6).toString('hex')}`);
  let fh: Awaited<ReturnType<typeof open>> | null = null;
  try {
    await mkdir(dirname(file)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    const snap = index.snapshot();
    const savedAt = Date.now();
    fh = await open(temp, 'w');
    const hash = createHash('sha256');
    const out = fh;
    // Written through one chunk buffer: a list is copied into it (the page may be appended to, past
    // `used`, before the chunk goes out), and other work runs while each full chunk is written.
    const CHUNK = chunkBytes;
    const chunk = Buffer.allocUnsafe(CHUNK);
    let pos = 0;
    const flush = async () => {
      if (!pos) return;
      const part = chunk.subarray(0, pos);
      hash.update(part);
      await out.write(part);
      pos = 0;
    };
    const put = async (b: Uint8Array) => {
      if (pos + b.byteLength > CHUNK) await flush();
      if (b.byteLength > CHUNK) {
        const copy = Buffer.from(b);
        hash.update(copy);
        await out.write(copy);
        return;
      }
      chunk.set(b, pos);
      pos += b.byteLength;
    };
    const u32 = (...values: number[]) => {
      const b = Buffer.alloc(4 * values.length);
      values.forEach((v, i) => (v < 0 ? b.writeInt32LE(v, 4 * i) : b.writeUInt32LE(v, 4 * i)));
      return b;
    };
    /** `count` lines in blocks of about BLOCK_CHARS characters, each u32 length first; then a u32 0. */
    const putLines = async (count: number, line: (i: number) => string) => {
      let parts: string[] = [];
      let chars = 0;
      const block = async () => {
        const b = Buffer.from(parts.join('\n'));
        await put(u32(b.length));
        await put(b);
        parts = [];
        chars = 0;
      };
      for (let i = 0; i < count; i++) {
        const l = line(i);
        parts.push(l);
        chars += l.length + 1;
        if (chars >= BLOCK_CHARS) await block();
      }
      if (parts.length) await block();
      await put(u32(0));
    };
    const n = snap.ids.length;
    await put(MAGIC);
    const header = Buffer.from(JSON.stringify({ savedAt }));
    await put(u32(SEARCH_INDEX_VERSION, n, header.length));
    await put(header);
    // With each document the file stamp the catalogue holds for it now: a start compares it with the file's.
    await putLines(n, (d) => {
      const id = snap.ids[d];
      if (id === null) return 'null';
      const st = stampOf(id);
      return JSON.stringify(st ? [id, snap.keys[d], st.size, st.mtimeMs] : [id, snap.keys[d]]);
    });
    await put(new Uint8Array(snap.lens.buffer, snap.lens.byteOffset, 12 * n));
    await put(u32(snap.terms.length));
    await putLines(snap.terms.length, (i) => snap.terms[i]);
    for (let i = 0; i < snap.terms.length; i++) {
      // A list is a view into the index's blocks, which indexing goes on changing while we wait for
      // the disk: a list that grows moves, and its old block is given to another word. So the view
      // is taken after the last wait and copied before the next one (its first `used` bytes are
      // the snapshot's wherever it lives: lists only grow at the end, and the pin stops compaction).
      if (pos + 12 + snap.used[i] > CHUNK) await flush();
      const list = index.postingsOf(snap.t[i], snap.used[i]);
      chunk.writeUInt32LE(snap.count[i], pos);
      chunk.writeInt32LE(snap.last[i], pos + 4);
      chunk.writeUInt32LE(snap.used[i], pos + 8);
      pos += 12;
      if (list.byteLength > CHUNK - pos) {
        await put(Buffer.from(list));
      } else {
        chunk.set(list, pos);
        pos += list.byteLength;
      }
    }
    await flush();
    await out.write(hash.digest());
    await out.sync();
    await out.close();
    fh = null;
    await rename(temp, file);
  } catch (err) {
    if (fh) await fh.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  } finally {
    release();
  }
}

export interface FileStampLike {
  size: number;
  mtimeMs: number;
}

interface Loaded {
  index: SearchIndex;
  savedAt: number;
  /** Document id → [size, mtimeMs] of its file as the catalogue knew it when the index was written. */
  stamps: Map<string, [number, number]>;
}

export type StoredSearchIndex = Loaded | { problem: string } | null;

/**
 * The stored index, `null` when there is none, or what is wrong with it. Temporary files of a write
 * cut short are removed first.
 */
export async function readSearchIndex(file: string, options: { removeTemp?: boolean } = {}): Promise<StoredSearchIndex> {
  // Temporary files of a write cut short are removed only by the folder's writer (a read-only
  // store beside a running server would delete the file that server is writing).
  if (options.removeTemp ?? true) {
    const names = await readdir(dirname(file)).catch(() => [] as string[]);
    for (const name of names) if (name.startsWith(TEMP_MARK)) await unlink(join(dirname(file), name)).catch(() => undefined);
  }
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { problem: `cannot be read (${(err as Error).message})` };
  }
  return parseSearchIndex(buf, () => new Promise((resolve) => setImmediate(resolve)));
}

/** The index in `buf`, or what is wrong with it; `pause` lets other work run between pieces of the work. */
export async function parseSearchIndex(buf: Buffer, pause: () => Promise<void> = async () => undefined): Promise<Loaded | { problem: string }> {
  if (buf.length < MAGIC.length + 12 + 32 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return { problem: 'is not a search index file' };
  const body = buf.subarray(0, buf.length - 32);
  const hash = createHash('sha256');
  for (let at = 0; at < body.length; at += 2 ** 20) {
    hash.update(body.subarray(at, Math.min(body.length, at + 2 ** 20)));
    await pause();
  }
  if (!hash.digest().equals(buf.subarray(buf.length - 32))) return { problem: 'does not match its checksum (damaged or cut short)' };
  let o = MAGIC.length;
  const u32 = () => {
    if (o + 4 > body.length) throw new Error('ends too early');
    const v = body.readUInt32LE(o);
    o += 4;
    return v;
  };
  // A turn for other work every few milliseconds.
  let since = performance.now();
  const breathe = async () => {
    if (performance.now() - since > 8) {
      await pause();
      since = performance.now();
    }
  };
  /** Blocks of lines (see the top of this file), each line handed to `each`. */
  const readLines = async (each: (line: string) => void) => {
    for (;;) {
      const length = u32();
      if (length === 0) return;
      if (o + length > body.length) throw new Error('ends too early');
      const lines = body.toString('utf8', o, o + length).split('\n');
      o += length;
      for (let i = 0; i < lines.length; i++) {
        each(lines[i]);
        if ((i & 1023) === 1023) await breathe();
      }
      // A turn after every block.
      await pause();
      since = performance.now();
    }
  };
  try {
    const version = u32();
    if (version !== SEARCH_INDEX_VERSION && version !== 1) return { problem: `is version ${version}, not ${SEARCH_INDEX_VERSION}` };
    const n = u32();
    const headerLength = u32();
    if (o + headerLength > body.length) throw new Error('ends too early');
    const header = JSON.parse(body.toString('utf8', o, o + headerLength)) as { savedAt?: unknown; ids?: unknown; keys?: unknown; stamps?: unknown };
    o += headerLength;
    if (typeof header.savedAt !== 'number') throw new Error('has a malformed header');
    const stamps = new Map<string, [number, number]>();
    let ids: Array<string | null>;
    let keys: string[];
    if (version === 1) {
      ids = header.ids as Array<string | null>;
      keys = header.keys as string[];
      const rawStamps = header.stamps as unknown[];
      if (!Array.isArray(ids) || !Array.isArray(keys) || !Array.isArray(rawStamps) || ids.length !== n || keys.length !== n || rawStamps.length !== n) {
        throw new Error('has a malformed header');
      }
      for (let d = 0; d < n; d++) {
        if (ids[d] === null) continue;
        // A key is parsed when it is checked against the catalogue (one that does not parse is indexed again).
        if (typeof ids[d] !== 'string' || typeof keys[d] !== 'string') throw new Error(`has a malformed entry for document ${d}`);
        const st = rawStamps[d] as [number, number] | null;
        if (Array.isArray(st) && st.length === 2 && typeof st[0] === 'number' && typeof st[1] === 'number') stamps.set(ids[d]!, st);
      }
    } else {
      ids = [];
      keys = [];
      await readLines((line) => {
        const d = ids.length;
        if (d >= n) throw new Error('holds more documents than it says');
        const entry = JSON.parse(line) as unknown;
        if (entry === null) {
          ids.push(null);
          keys.push('');
          return;
        }
        if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') throw new Error(`has a malformed entry for document ${d}`);
        ids.push(entry[0]);
        keys.push(entry[1]);
        if (entry.length === 4 && typeof entry[2] === 'number' && typeof entry[3] === 'number') stamps.set(entry[0], [entry[2], entry[3]]);
      });
      if (ids.length !== n) throw new Error(`holds ${ids.length} documents, not ${n}`);
    }
    if (o + 12 * n > body.length) throw new Error('ends too early');
    const lens = new Uint32Array(3 * n);
    for (let i = 0; i < 3 * n; i++) {
      lens[i] = body.readUInt32LE(o + 4 * i);
      if ((i & 4095) === 4095) await breathe();
    }
    o += 12 * n;
    const T = u32();
    let terms: string[];
    if (version === 1) {
      const termBytes = u32();
      if (o + termBytes > body.length) throw new Error('ends too early');
      terms = T === 0 ? [] : body.toString('utf8', o, o + termBytes).split('\n');
      o += termBytes;
    } else {
      terms = [];
      await readLines((line) => {
        terms.push(line);
      });
    }
    if (terms.length !== T) throw new Error(`holds ${terms.length} terms, not ${T}`);
    for (let t = 1; t < T; t++) {
      if (!(terms[t - 1] < terms[t])) throw new Error('has terms out of order');
      if ((t & 4095) === 0) await breathe();
    }
    const count = new Uint32Array(T);
    const last = new Int32Array(T);
    const used = new Uint32Array(T);
    const off = new Uint32Array(T);
    for (let t = 0; t < T; t++) {
      if ((t & 4095) === 0) await breathe();
      count[t] = u32();
      last[t] = u32() | 0;
      used[t] = u32();
      off[t] = o;
      if (o + used[t] > body.length || last[t] >= n || last[t] < 0) throw new Error(`has a malformed posting list for "${terms[t]}"`);
      o += used[t];
    }
    if (o !== body.length) throw new Error('has bytes left over');
    const page = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    await pause();
    return { index: await SearchIndex.fromParts({ ids, keys, lens, terms, count, last, used, off, page }, pause), savedAt: header.savedAt, stamps };
  } catch (err) {
    return { problem: err instanceof SyntaxError ? 'has a header that is not valid JSON' : (err as Error).message };
  }
}

/** What the catalogue tells of a document, to check a stored index against it. */
export interface CatalogView {
  ids(): Iterable<string>;
  get(id: string): { rev: number; title: string; outlet?: string } | undefined;
  stampOf(id: string): FileStampLike | null;
}

/** What happened to the stored search index at start. */
export interface SearchIndexReport {
  /** Whether a stored index was used. */
  loaded: boolean;
  /** Why a stored index was not used (damaged, another version), or null. */
  problem: string | null;
  /** Documents indexed at start because the stored index did not hold them as they are (new, changed, or all of them without a usable file). */
  reindexed: number;
  /** Entries of the stored index dropped: documents no longer in the catalogue. */
  dropped: number;
}

/**
 * Brings a loaded index in line with the catalogue: drops the documents that are gone, and drops
 * and returns (to be indexed again) those whose revision, title or outlet differ, or whose file's
 * size or modification time is not the one recorded when the index was written (`stamps`: a file
 * written since, or made again under the same id), and those the index does not hold.
 */
export async function reconcile(
  index: SearchIndex,
  stamps: Map<string, [number, number]>,
  catalog: CatalogView,
  pause: () => Promise<void> = async () => undefined,
): Promise<{ reindex: string[]; dropped: number }> {
  let dropped = 0;
  const reindex: string[] = [];
  let since = performance.now();
  for (const id of [...index.ids()]) {
    if (performance.now() - since > 8) {
      await pause();
      since = performance.now();
    }
    // A document removed or changed meanwhile was handled by that change (or is indexed again below).
    if (!index.has(id)) continue;
    const summary = catalog.get(id);
    if (!summary) {
      index.remove(id);
      dropped++;
      continue;
    }
    const parts = keyParts(index.keyOf(id)!);
    const stamp = catalog.stampOf(id);
    const recorded = stamps.get(id);
    const same = parts && parts.rev === summary.rev && parts.title === summary.title && parts.outlet === (summary.outlet ?? '');
    if (!same || !stamp || !recorded || recorded[0] !== stamp.size || recorded[1] !== stamp.mtimeMs) index.remove(id);
  }
  for (const id of catalog.ids()) if (!index.has(id)) reindex.push(id);
  return { reindex, dropped };
}

/**
 * At start: replaces the (empty) contents of `index` with the stored copy in `file` when there is
 * a usable one, brought in line with the catalogue (see reconcile). Returns the ids still to index
 * (all of the catalogue when there is no usable file) and the report. Documents put or removed
 * while the file was read are indexed again from the store.
 */
export async function restoreSearchIndex(
  index: SearchIndex,
  file: string,
  catalog: CatalogView,
  log: (message: string) => void,
  options: { readOnly?: boolean } = {},
): Promise<{ reindex: string[]; report: SearchIndexReport }> {
  index.touchedSince = new Set();
  const stored = await readSearchIndex(file, { removeTemp: !options.readOnly });
  const touched = index.touchedSince;
  index.touchedSince = null;
  const all = () => [...catalog.ids()];
  if (stored === null) return { reindex: all(), report: { loaded: false, problem: null, reindexed: 0, dropped: 0 } };
  if ('problem' in stored) {
    const ids = all();
    log(`search index ${file} ${stored.problem}: rebuilding it from the ${ids.length} documents`);
    return { reindex: ids, report: { loaded: false, problem: stored.problem, reindexed: 0, dropped: 0 } };
  }
  index.adopt(stored.index);
  for (const id of touched) index.remove(id);
  const { reindex, dropped } = await reconcile(index, stored.stamps, catalog, () => new Promise((resolve) => setImmediate(resolve)));
  return { reindex, report: { loaded: true, problem: null, reindexed: 0, dropped } };
}

/**
 * Writes the index to `file` in the background after changes: `delayMs` after the last change, but
 * no later than `maxWaitMs` after the first one not yet written; one write at a time. A write that
 * fails is logged (a data folder removed meanwhile is not) and tried again after the next change.
 */
export class SearchIndexSaver {
  private timer: NodeJS.Timeout | null = null;
  private firstDirtyAt = 0;
  private savedVersion = -1;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly file: string,
    private readonly index: SearchIndex,
    private readonly stampOf: (id: string) => FileStampLike | null,
    private readonly log: (message: string) => void,
    private readonly delayMs = 10_000,
    private readonly maxWaitMs = 60_000,
  ) {
    index.onChange = () => this.touch();
  }

  /** Whether the file holds the index as it is now (as far as this saver knows). */
  get current(): boolean {
    return this.savedVersion === this.index.version;
  }

  touch(): void {
    if (this.stopped) return;
    const now = Date.now();
    if (!this.firstDirtyAt) this.firstDirtyAt = now;
    const wait = Math.max(0, Math.min(this.delayMs, this.firstDirtyAt + this.maxWaitMs - now));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.save(), wait);
    this.timer.unref();
  }

  /** Writes now unless the file is current; resolves when done (a failure is logged, not thrown). */
  save(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = this.queue.then(async () => {
      if (this.index.version === this.savedVersion) return;
      const version = this.index.version;
      this.firstDirtyAt = 0;
      try {
        await writeSearchIndex(this.file, this.index, this.stampOf);
        this.savedVersion = version;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`the search index could not be written (${(err as Error).message})`);
      }
    });
    return this.queue;
  }

  /** Writes what is pending and stops writing. */
  async close(): Promise<void> {
    await this.save();
    this.stopped = true;
    if (this.index.onChange) this.index.onChange = null;
  }
}
