import { gunzipSync, gzipSync } from 'node:zlib';
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

/**
 * Encodes and decodes document files. Compressing a 2 MB revision costs tens of milliseconds, so
 * each older revision is compressed once and remembered (by document, revision and the very text
 * string: revision texts are immutable, and copies of a document share them), which keeps a save
 * fast however many revisions there are.
 */
export class HistoryCodec {
  private readonly packed = new LruCache<Packed>(64 * 1024 * 1024, (p) => p.gz.length + p.text.length * 2);

  constructor(readonly maxHistoryBytes = MAX_HISTORY_BYTES) {}

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
      this.packed.set(key(stored.id, r.rev), { text, gz: r.textGz });
      const { textGz: _gz, ...rest } = r;
      return { ...rest, text };
    });
    return { ...stored, revisions };
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

  private encodeOlder(id: string, r: Revision | StoredRevision): StoredRevision {
    if (typeof r.text !== 'string') return r as StoredRevision;
    if (r.text.length * 3 < COMPRESS_FROM_BYTES || Buffer.byteLength(r.text) < COMPRESS_FROM_BYTES) return r as StoredRevision;
    const k = key(id, r.rev);
    let p = this.packed.get(k);
    if (!p || p.text !== r.text) {
      p = { text: r.text, gz: gzipSync(r.text).toString('base64') };
      this.packed.set(k, p);
    }
    const { text: _text, ...rest } = r;
    return { ...rest, textGz: p.gz };
  }
}

const key = (id: string, rev: number) => `${id}\u0000${rev}`;
