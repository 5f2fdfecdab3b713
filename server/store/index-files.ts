import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { syncDir, TEMP_PREFIX } from './atomic-json-file.js';
import type { PassageKind } from '../domain/compare/types.js';
import type { DocumentWordsRecord } from '../domain/compare/statement-index.js';

/**
 * The statement index's snapshot beside the documents: `<dataDir>/index/statements.json` (or a row
 * in PostgreSQL, pg-statement-index.ts, with the same text). It holds what the index keeps of every
 * document (its word ids, their ranges, its passages) with the content key the document was
 * indexed with, and the passage matches found, so a restart puts the index back without
 * tokenising a document or judging a pair: only the documents changed since are indexed again.
 *
 * The text is JSON: `version`, `words` (the dictionary the word ids point into), `documents` (one
 * `[id, key, wordCount, kinds, labelIds]` each, by id: `kinds` one letter per passage, `l`abel,
 * `q`uote or `s`entence, `labelIds` the label of each `l` in order), `matches` (their count),
 * `checksum` (FNV-1a 32 of the payload, hex) and `data`, the payload in base64: unsigned LEB128
 * numbers, for each document its word ids, then each word's start minus the previous word's start
 * (zigzag: 2n, or -2n-1 when negative) and its length, then each passage's start and length (UTF-16 code units); then each match as
 * document index and passage position of each side, aFrom, aTo - aFrom, bFrom, bTo - bFrom and
 * the equal words. Written whole (temporary file, then rename); a snapshot that is not what this
 * version wrote is reported and ignored, never trusted: the index is then built from the documents.
 */
export const STATEMENT_INDEX_VERSION = 2;

/** One match: document and passage position of each side (corpus order), aligned word ranges, equal words. */
export type StoredMatch = [string, number, string, number, number, number, number, number, number];

/** One document as the index held it, with the content key it was indexed with. */
export interface StoredIndexDocument extends DocumentWordsRecord {
  key: string;
}

export interface StoredStatementIndex {
  version: number;
  /** The normalised words the documents' word ids point into. */
  words: string[];
  /** Sorted by id. */
  documents: StoredIndexDocument[];
  matches: StoredMatch[];
}

export function statementIndexPath(dataDir: string): string {
  return join(dataDir, 'index', 'statements.json');
}

const KIND_LETTER: Record<PassageKind, string> = { label: 'l', quote: 'q', sentence: 's' };
const LETTER_KIND: Record<string, PassageKind> = { l: 'label', q: 'quote', s: 'sentence' };

/** A growing buffer of unsigned LEB128 numbers. */
class Writer {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  put(n: number): void {
    if (this.length + 5 > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    while (n >= 0x80) {
      this.bytes[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.bytes[this.length++] = n;
  }
}

/** Reads what Writer wrote; `null` past the end or for a number over 2^35. */
class Reader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.at === this.bytes.length;
  }

  next(): number | null {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (this.at >= this.bytes.length) return null;
      const b = this.bytes[this.at++];
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
    }
    return null;
  }
}

/**
 * Longest stretch of encoding or checking the snapshot between two turns of the event loop, in
 * milliseconds. A background write at 100,000 documents runs for a minute or more beside the pages
 * (it re-tokenises every text), and each page waits for the slice under way: with 20 ms slices
 * /compare, /outlets and a speaker page took 15-25 ms longer each while it ran.
 */
export const WRITE_SLICE_MS = 5;

/**
 * Runs `steps` to the end, giving the event loop a turn every WRITE_SLICE_MS: encoding or checking
 * the snapshot of 10,000 documents takes seconds, which no request should wait behind.
 */
async function inSlices<T>(steps: Generator<void, T, void>, pace?: () => Promise<void>): Promise<T> {
  let since = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - since >= WRITE_SLICE_MS) {
      await (pace ? pace() : new Promise((resolve) => setImmediate(resolve)));
      since = performance.now();
    }
  }
}

function atOnce<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** The snapshot as stored (see the top of this file). */
export function serializeStatementIndex(s: StoredStatementIndex): string {
  return atOnce(serializeSteps(s));
}

/**
 * `serializeStatementIndex`, giving the event loop a turn every WRITE_SLICE_MS; `pace`, when given, is
 * awaited instead of that turn (the compare service pauses a background write while documents are
 * changing: see StatementIndexStorage.write).
 */
export function serializeStatementIndexInSlices(s: StoredStatementIndex, pace?: () => Promise<void>): Promise<string> {
  return inSlices(serializeSteps(s), pace);
}

/** The parsed snapshot or what is wrong with it (`storedIndexProblem`), giving the event loop a turn every WRITE_SLICE_MS. */
export function storedIndexProblemInSlices(raw: string): Promise<StoredStatementIndex | string> {
  return inSlices(parseSteps(raw));
}

/** The steps of serializeStatementIndex (exported for tests: the number of steps). */
export function* serializeSteps(s: StoredStatementIndex): Generator<void, string, void> {
  const w = new Writer();
  const index = new Map<string, number>();
  const documents: unknown[] = [];
  for (const [i, d] of s.documents.entries()) {
    yield;
    index.set(d.id, i);
    for (let k = 0; k < d.words.length; k++) w.put(d.words[k]);
    let prevStart = 0;
    for (let k = 0; k < d.words.length; k++) {
      const step = d.starts[k] - prevStart;
      if (d.ends[k] < d.starts[k]) throw new Error(`statement index: a word of ${d.id} ends before it starts`);
      w.put(step >= 0 ? step * 2 : -step * 2 - 1);
      w.put(d.ends[k] - d.starts[k]);
      prevStart = d.starts[k];
    }
    for (const p of d.passages) {
      w.put(p.start);
      w.put(p.end - p.start);
    }
    documents.push([d.id, d.key, d.words.length, d.passages.map((p) => KIND_LETTER[p.kind]).join(''), d.passages.filter((p) => p.kind === 'label').map((p) => p.labelId ?? '')]);
  }
  for (const [i, m] of s.matches.entries()) {
    if (i % 1024 === 0) yield;
    w.put(index.get(m[0])!);
    w.put(m[1]);
    w.put(index.get(m[2])!);
    w.put(m[3]);
    w.put(m[4]);
    w.put(m[5] - m[4]);
    w.put(m[6]);
    w.put(m[7] - m[6]);
    w.put(m[8]);
  }
  const payload = w.bytes.subarray(0, w.length);
  // The same text as JSON.stringify of the whole object, built a bounded slice a step: one
  // JSON.stringify of a dictionary of a million words took 200-400 ms in one turn.
  const words = yield* jsonArrayInSlices(s.words);
  const docs = yield* jsonArrayInSlices(documents);
  const sum = yield* checksumInSlices(payload);
  const data: string[] = [];
  // Base64 of consecutive whole 3-byte groups is the base64 of their concatenation.
  for (let at = 0; at < payload.length; at += BASE64_SLICE) {
    yield;
    data.push(Buffer.from(payload.buffer, payload.byteOffset + at, Math.min(BASE64_SLICE, payload.length - at)).toString('base64'));
  }
  yield;
  return `{"version":${JSON.stringify(s.version)},"words":${words},"documents":${docs},"matches":${s.matches.length},"checksum":${JSON.stringify(sum)},"data":"${data.join('')}"}`;
}

/** Elements serialised per step (JSON.stringify of each, joined as JSON.stringify of the array would). */
const JSON_SLICE = 4096;
/** Payload bytes encoded per step (a multiple of 3). */
const BASE64_SLICE = 3 << 18;
/** Payload bytes summed per step. */
const CHECKSUM_SLICE = 1 << 20;

/** `JSON.stringify(items)` (items of JSON values, none undefined), a slice of elements a step. */
function* jsonArrayInSlices(items: readonly unknown[]): Generator<void, string, void> {
  const slices: string[] = [];
  for (let at = 0; at < items.length; at += JSON_SLICE) {
    yield;
    const part = JSON.stringify(items.slice(at, at + JSON_SLICE));
    slices.push(part.slice(1, -1));
  }
  return `[${slices.join(',')}]`;
}

function* checksumInSlices(bytes: Uint8Array): Generator<void, string, void> {
  let h = 0x811c9dc5;
  for (let at = 0; at < bytes.length; at += CHECKSUM_SLICE) {
    yield;
    const end = Math.min(bytes.length, at + CHECKSUM_SLICE);
    for (let i = at; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The stored index, or `null` when there is none or it is damaged (logged with `warn`). Temporary
 * files of a write cut short by a crash are removed (read before the first write of a run).
 */
export async function readStatementIndex(file: string, warn: (message: string) => void = console.warn): Promise<StoredStatementIndex | null> {
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  for (const name of names) if (name.startsWith(TEMP_PREFIX)) await unlink(join(dirname(file), name)).catch(() => undefined);
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    warn(`statement index ${file} cannot be read (${(err as Error).message}); it is rebuilt from the documents`);
    return null;
  }
  const problem = await storedIndexProblemInSlices(raw);
  if (typeof problem === 'string') {
    warn(`statement index ${file} ${problem}; it is rebuilt from the documents`);
    return null;
  }
  return problem;
}

/** The parsed snapshot, or what is wrong with it (every number is checked against what it points to). */
export function storedIndexProblem(raw: string): StoredStatementIndex | string {
  return atOnce(parseSteps(raw));
}

/** The steps of storedIndexProblem (exported for tests). */
export function* parseSteps(raw: string): Generator<void, StoredStatementIndex | string, void> {
  let data: unknown = yield* parseLayoutInSlices(raw);
  if (data === undefined) {
    // Not laid out as this version writes it: parsed whole (and then most likely refused).
    try {
      data = JSON.parse(raw);
    } catch {
      return 'is not valid JSON';
    }
  }
  const d = data as { version?: unknown; words?: unknown; documents?: unknown; matches?: unknown; checksum?: unknown; data?: unknown };
  if (!d || typeof d !== 'object' || d.version !== STATEMENT_INDEX_VERSION) return `is not a version ${STATEMENT_INDEX_VERSION} statement index`;
  if (!Array.isArray(d.words)) return 'has no valid word list';
  for (let at = 0; at < d.words.length; at += JSON_SLICE * 16) {
    yield;
    for (let i = at; i < Math.min(d.words.length, at + JSON_SLICE * 16); i++) if (typeof d.words[i] !== 'string') return 'has no valid word list';
  }
  const words = d.words as string[];
  if (!Array.isArray(d.documents)) return 'has no document list';
  if (!Number.isInteger(d.matches) || (d.matches as number) < 0 || typeof d.checksum !== 'string' || typeof d.data !== 'string') return 'has no valid payload';
  const payload = yield* base64InSlices(d.data);
  if ((yield* checksumInSlices(payload)) !== d.checksum) return 'has a payload that does not match its checksum';
  const r = new Reader(payload);
  const documents: StoredIndexDocument[] = [];
  let previous = '';
  for (const entry of d.documents as unknown[]) {
    yield;
    const e = entry as [unknown, unknown, unknown, unknown, unknown];
    const ok =
      Array.isArray(e) && e.length === 5 && typeof e[0] === 'string' && e[0] > previous && typeof e[1] === 'string' && Number.isInteger(e[2]) && (e[2] as number) >= 0 &&
      typeof e[3] === 'string' && /^[lqs]*$/.test(e[3]) && Array.isArray(e[4]) && e[4].every((x) => typeof x === 'string' && x !== '') && e[4].length === (e[3].match(/l/g)?.length ?? 0);
    if (!ok) return `holds a malformed document entry (${JSON.stringify(entry).slice(0, 120)})`;
    const [id, key, n, kinds, labelIds] = e as [string, string, number, string, string[]];
    previous = id;
    const ids = new Uint32Array(n);
    const starts = new Uint32Array(n);
    const ends = new Uint32Array(n);
    for (let k = 0; k < n; k++) {
      const v = r.next();
      if (v === null || v >= words.length) return `holds a word of ${id} that is not in its word list`;
      ids[k] = v;
    }
    let prevStart = 0;
    for (let k = 0; k < n; k++) {
      const step = r.next();
      const length = r.next();
      const start = step === null ? -1 : prevStart + (step % 2 ? -(step + 1) / 2 : step / 2);
      if (length === null || start < 0) return `holds a malformed word range of ${id}`;
      starts[k] = prevStart = start;
      ends[k] = start + length;
    }
    const passages: StoredIndexDocument['passages'] = [];
    let label = 0;
    for (const letter of kinds) {
      const start = r.next();
      const length = r.next();
      if (start === null || !length) return `holds a malformed passage of ${id}`;
      const kind = LETTER_KIND[letter];
      passages.push({ kind, start, end: start + length, ...(kind === 'label' ? { labelId: labelIds[label++] } : {}) });
    }
    documents.push({ id, key, words: ids, starts, ends, passages });
  }
  const matches: StoredMatch[] = [];
  for (let i = 0; i < (d.matches as number); i++) {
    if (i % 1024 === 0) yield;
    const v: number[] = [];
    for (let k = 0; k < 9; k++) {
      const x = r.next();
      if (x === null) return 'holds fewer matches than it says';
      v.push(x);
    }
    const a = documents[v[0]];
    const b = documents[v[2]];
    if (!a || !b || v[1] >= a.passages.length || v[3] >= b.passages.length || v[5] === 0 || v[7] === 0) return `holds a malformed match (${v.join(',')})`;
    matches.push([a.id, v[1], b.id, v[3], v[4], v[4] + v[5], v[6], v[6] + v[7], v[8]]);
  }
  if (!r.done) return 'holds more data than its documents and matches';
  return { version: STATEMENT_INDEX_VERSION, words, documents, matches };
}

/** Characters of base64 decoded per step (a multiple of 4). */
const BASE64_READ_SLICE = 1 << 22;

/** `Buffer.from(text, 'base64')` a slice a step (the same bytes for base64 without white space, as this version writes). */
function* base64InSlices(text: string): Generator<void, Uint8Array, void> {
  if (text.length <= BASE64_READ_SLICE) return new Uint8Array(Buffer.from(text, 'base64'));
  const parts: Buffer[] = [];
  for (let at = 0; at < text.length; at += BASE64_READ_SLICE) {
    yield;
    parts.push(Buffer.from(text.slice(at, at + BASE64_READ_SLICE), 'base64'));
  }
  yield;
  return new Uint8Array(Buffer.concat(parts));
}

/** Characters scanned per step, and about how long a piece parsed at once is. */
const SCAN_SLICE = 1 << 20;
const PIECE_CHARS = 1 << 16;

/**
 * `JSON.parse(raw)` in bounded steps when `raw` is laid out as serializeSteps writes it
 * (`{"version":…,"words":[…],"documents":[…],` then the small fields and the base64 payload):
 * each array is cut at its top-level commas into pieces of about 64 K characters, each piece
 * parsed alone. `undefined` when the text is laid out otherwise or a piece is not valid JSON: the
 * caller then parses it whole, so what is accepted and its value are those of `JSON.parse`.
 */
function* parseLayoutInSlices(raw: string): Generator<void, Record<string, unknown> | undefined, void> {
  const head = `{"version":${STATEMENT_INDEX_VERSION},"words":`;
  if (!raw.startsWith(head)) return undefined;
  const words = yield* arrayInSlices(raw, head.length);
  if (!words || !raw.startsWith(',"documents":', words.end)) return undefined;
  const documents = yield* arrayInSlices(raw, words.end + ',"documents":'.length);
  if (!documents || raw.charCodeAt(documents.end) !== 0x2c) return undefined;
  yield;
  let rest: unknown;
  try {
    rest = JSON.parse(`{${raw.slice(documents.end + 1)}`);
  } catch {
    return undefined;
  }
  if (!rest || typeof rest !== 'object' || Array.isArray(rest) || Object.keys(rest).some((k) => k !== 'matches' && k !== 'checksum' && k !== 'data')) return undefined;
  return { version: STATEMENT_INDEX_VERSION, words: words.items, documents: documents.items, ...(rest as Record<string, unknown>) };
}

/** The JSON array opening at `from` (`raw[from]` is `[`), parsed a piece a step, and where it ends; `null` when not valid. */
function* arrayInSlices(raw: string, from: number): Generator<void, { items: unknown[]; end: number } | null, void> {
  if (raw.charCodeAt(from) !== 0x5b) return null;
  const pieces: [number, number][] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let pieceStart = from + 1;
  let i = from;
  for (; i < raw.length; i++) {
    if ((i - from) % SCAN_SLICE === 0) yield;
    const c = raw.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      if (--depth === 0) break;
    } else if (c === 0x2c && depth === 1 && i - pieceStart >= PIECE_CHARS) {
      pieces.push([pieceStart, i]);
      pieceStart = i + 1;
    }
  }
  if (i >= raw.length || raw.charCodeAt(i) !== 0x5d) return null;
  pieces.push([pieceStart, i]);
  const items: unknown[] = [];
  for (const [a, b] of pieces) {
    yield;
    let part: unknown;
    try {
      part = JSON.parse(`[${raw.slice(a, b)}]`);
    } catch {
      return null;
    }
    // A piece cut at a comma holds at least one element, or the whole text was not valid JSON.
    if (!Array.isArray(part) || (part.length === 0 && pieces.length > 1)) return null;
    for (const x of part) items.push(x);
  }
  return { items, end: i + 1 };
}

/**
 * Writes the index atomically and durably (temporary file in the same folder, fsync, rename, fsync
 * of the folder): after a power cut the snapshot is the old one or the new one, never cut short
 * (which would be refused and cost a full rebuild). The text is encoded (in slices, awaiting `pace`)
 * before the temporary file is opened, so a write given up while encoding leaves nothing on disk;
 * `stillWanted` is asked once it is encoded (false: nothing is written, `IndexWriteAbandoned`).
 */
export async function writeStatementIndex(file: string, data: StoredStatementIndex, pace?: () => Promise<void>, stillWanted: () => boolean = () => true): Promise<void> {
  const text = await serializeStatementIndexInSlices(data, pace);
  if (!stillWanted()) throw new IndexWriteAbandoned();
  await mkdir(dirname(file), { recursive: true });
  const temp = join(dirname(file), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-statements.json`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  await rename(temp, file);
  await syncDir(dirname(file));
}

/** A write of the statement index file given up because the data folder was closed meanwhile (the file on disk is the one before). */
export class IndexWriteAbandoned extends Error {
  constructor() {
    super('the data folder was closed before the statement index file was written; the stored file is left as it was');
    this.name = 'IndexWriteAbandoned';
  }
}

/** The statement index kept in `<dataDir>/index/statements.json` (the data folder's StatementIndexStorage). */
export class StatementIndexFile {
  private closed = false;
  /** Rejected by `close()`: a write pausing between two slices of its encoding stops there. */
  private readonly closing: Promise<never>;
  private abandon: (err: Error) => void = () => undefined;
  private readonly writes = new Set<Promise<void>>();

  constructor(readonly file: string) {
    this.closing = new Promise<never>((_, reject) => (this.abandon = reject));
    this.closing.catch(() => undefined);
  }

  read(warn?: (message: string) => void): Promise<StoredStatementIndex | null> {
    return readStatementIndex(this.file, warn);
  }

  /** Refused (IndexWriteAbandoned) once `close()` was called. */
  write(data: StoredStatementIndex, pace?: () => Promise<void>): Promise<void> {
    if (this.closed) return Promise.reject(new IndexWriteAbandoned());
    // A pause of the background write (see CompareService `pacer`) ends when the folder closes.
    const paced = () => Promise.race([pace ? pace() : new Promise<void>((resolve) => setImmediate(resolve)), this.closing]);
    const write = writeStatementIndex(this.file, data, paced, () => !this.closed);
    const settled = write.catch(() => undefined).finally(() => this.writes.delete(settled));
    this.writes.add(settled);
    return write;
  }

  /**
   * Ends the writes: one still encoding (which a background write pausing while documents change
   * can be for minutes) is given up at its next slice, leaving the file on disk as it was and no
   * temporary file; one already writing its file is waited for. Later writes are refused.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.abandon(new IndexWriteAbandoned());
    while (this.writes.size) await Promise.all(this.writes);
  }
}
