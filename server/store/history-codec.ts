import { gunzip, gunzipSync, gzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import type { DocumentRecord, Revision } from '../domain/types.js';
import { LruCache } from './lru.js';

/**
 * Older revisions whose text is at least this many UTF-8 bytes are stored gzipped (base64, in
 * `textGz` instead of `text`); smaller ones and the latest revision stay plain JSON.
 */
export const COMPRESS_FROM_BYTES = 16 * 1024;

/**
 * Default limit on a document's stored history: the bytes its revision texts take in its file
 * (the latest as UTF-8, older ones as stored, compressed when large). A change past it is refused.
 */
export const MAX_HISTORY_BYTES = 20 * 1024 * 1024;

/** A revision as it is in the file: `text`, or `textGz` for an older revision stored compressed. */
export type StoredRevision = Omit<Revision, 'text'> & ({ text: string; textGz?: undefined } | { text?: undefined; textGz: string });
export type StoredDocument = Omit<DocumentRecord, 'revisions'> & { revisions: StoredRevision[] };

/** A history over the limit; `status` 413 is what the HTTP layer answers. */
export class HistoryTooLargeError extends Error {
  readonly status = 413;
  readonly code = 'history_too_large';
  constructor(
    readonly id: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `document ${id} would keep ${mb(bytes)} of revision history, over the limit of ${mb(limit)} per document; nothing was saved (start a new document from this text instead)`,
    );
  }
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

interface Packed {
  text: string;
  gz: string;
}

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Encodes and decodes document files. Compressing a 2 MB revision costs tens of milliseconds, so
 * each older revision is compressed once and its compressed form kept with the revision object
 * (revisions never change once they are older, and the store's copies of a document share them),
 * or, for a fresh copy of a revision, found by document, revision and the very text string. A
 * write path that can wait calls `prepare` first, which compresses on the thread pool.
 */
export class HistoryCodec {
  /** The compressed text of a revision object (checked against its text, in case one was changed). */
  private readonly byRevision = new WeakMap<object, Packed>();
  /** The same by document id and revision, for a copy of a revision object; bounded by compressed bytes. */
  private readonly packed = new LruCache<Packed>(64 * 1024 * 1024, (p) => p.gz.length);
  private readonly compressing = new Map<string, Promise<Packed>>();
  private compressed = 0;

  constructor(readonly maxHistoryBytes = MAX_HISTORY_BYTES) {}

  /** How many revision texts were compressed since this codec was made (on any thread). */
  get compressions(): number {
    return this.compressed;
  }

  /** The file form of `doc`. */
  encode(doc: DocumentRecord): StoredDocument {
    const last = doc.revisions.length - 1;
    return { ...doc, revisions: doc.revisions.map((r, i) => (i === last ? r : this.encodeOlder(doc.id, r))) };
  }

  /** The document a file holds; throws when a compressed text cannot be read. */
  decode(stored: StoredDocument): DocumentRecord {
    const revisions = stored.revisions.map((r): Revision => {
      if (typeof r.textGz !== 'string') return r as Revision;
      let text: string;
      try {
        text = gunzipSync(Buffer.from(r.textGz, 'base64')).toString('utf8');
      } catch (err) {
        throw new SyntaxError(`the compressed text of revision ${r.rev} cannot be read (${(err as Error).message})`);
      }
      const { textGz: gz, ...rest } = r;
      const revision = { ...rest, text };
      this.remember(stored.id, revision, { text, gz });
      return revision;
    });
    return { ...stored, revisions };
  }

  /**
   * Like `decode`, with the compressed texts decompressed on the thread pool, all at once: a file
   * holding ten gzipped 2,000,000-character revisions costs the event loop only their base64 decoding.
   */
  async decodeAsync(stored: StoredDocument): Promise<DocumentRecord> {
    const revisions = await Promise.all(stored.revisions.map(async (r): Promise<Revision> => {
      if (typeof r.textGz !== 'string') return r as Revision;
      let text: string;
      try {
        text = (await gunzipAsync(Buffer.from(r.textGz, 'base64'))).toString('utf8');
      } catch (err) {
        throw new SyntaxError(`the compressed text of revision ${r.rev} cannot be read (${(err as Error).message})`);
      }
      const { textGz: gz, ...rest } = r;
      const revision = { ...rest, text };
      this.remember(stored.id, revision, { text, gz });
      return revision;
    }));
    return { ...stored, revisions };
  }

  /**
   * Compresses, on the thread pool, the older revisions of `doc` that will be stored compressed
   * and are not yet, so that `check` and `encode` then find every one ready.
   */
  async prepare(doc: DocumentRecord): Promise<void> {
    const last = doc.revisions.length - 1;
    const waits: Promise<unknown>[] = [];
    doc.revisions.forEach((r, i) => {
      if (i === last || !compressible(r) || this.known(doc.id, r)) return;
      const k = key(doc.id, r.rev);
      let running = this.compressing.get(k);
      if (!running) {
        const text = r.text;
        running = gzipAsync(text).then((buf) => {
          this.compressed++;
          return { text, gz: buf.toString('base64') };
        }).finally(() => this.compressing.delete(k));
        this.compressing.set(k, running);
      }
      waits.push(running.then((p) => {
        if (p.text === r.text) this.remember(doc.id, r, p);
      }));
    });
    await Promise.all(waits);
  }

  /** Whether `prepare` has work to do for `doc` (an older revision not compressed yet). */
  needsPreparing(doc: DocumentRecord): boolean {
    const last = doc.revisions.length - 1;
    return doc.revisions.some((r, i) => i !== last && compressible(r) && !this.known(doc.id, r));
  }

  /** Bytes the revision texts of `doc` take in its file. */
  historyBytes(doc: DocumentRecord): number {
    const last = doc.revisions.length - 1;
    let total = 0;
    doc.revisions.forEach((r, i) => {
      const stored: StoredRevision = i === last ? r : this.encodeOlder(doc.id, r);
      total += typeof stored.textGz === 'string' ? stored.textGz.length : Buffer.byteLength(stored.text ?? '');
    });
    return total;
  }

  /** Throws HistoryTooLargeError when `doc` is over the limit. */
  check(doc: DocumentRecord): void {
    const bytes = this.historyBytes(doc);
    if (bytes > this.maxHistoryBytes) throw new HistoryTooLargeError(doc.id, bytes, this.maxHistoryBytes);
  }

  private known(id: string, r: Revision): Packed | null {
    const own = this.byRevision.get(r);
    if (own && own.text === r.text) return own;
    const p = this.packed.get(key(id, r.rev));
    if (!p || p.text !== r.text) return null;
    this.byRevision.set(r, p);
    return p;
  }

  private remember(id: string, r: Revision, p: Packed): void {
    this.byRevision.set(r, p);
    this.packed.set(key(id, r.rev), p);
  }

  private encodeOlder(id: string, r: Revision | StoredRevision): StoredRevision {
    if (typeof r.text !== 'string') return r as StoredRevision;
    if (!compressible(r as Revision)) return r as StoredRevision;
    let p = this.known(id, r as Revision);
    if (!p) {
      p = { text: r.text, gz: gzipSync(r.text).toString('base64') };
      this.compressed++;
      this.remember(id, r as Revision, p);
    }
    const { text: _text, ...rest } = r;
    return { ...rest, textGz: p.gz };
  }
}

/**
 * Whether an older revision's text is large enough to be stored compressed. A UTF-16 code unit
 * takes 1 to 3 bytes in UTF-8, so only a text between a third of the threshold and the threshold
 * (in code units) has its bytes counted: a save of a document with 25 revisions of 2,000,000
 * characters asked this of each revision several times, each count a pass over the text.
 */
function compressible(r: Revision): boolean {
  if (r.text.length >= COMPRESS_FROM_BYTES) return true;
  return !(r.text.length * 3 < COMPRESS_FROM_BYTES || Buffer.byteLength(r.text) < COMPRESS_FROM_BYTES);
}

const key = (id: string, rev: number) => `${id}\u0000${rev}`;
