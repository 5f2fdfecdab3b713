import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { TEMP_PREFIX } from './atomic-json-file.js';
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

function checksum(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * Runs `steps` to the end, giving the event loop a turn every 20 ms: encoding or checking the
 * snapshot of 10,000 documents takes seconds, which no request should wait behind.
 */
async function inSlices<T>(steps: Generator<void, T, void>): Promise<T> {
  let since = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - since >= 20) {
      await new Promise((resolve) => setImmediate(resolve));
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

/** `serializeStatementIndex`, giving the event loop a turn every 20 ms. */
export function serializeStatementIndexInSlices(s: StoredStatementIndex): Promise<string> {
  return inSlices(serializeSteps(s));
}

/** The parsed snapshot or what is wrong with it (`storedIndexProblem`), giving the event loop a turn every 20 ms. */
export function storedIndexProblemInSlices(raw: string): Promise<StoredStatementIndex | string> {
  return inSlices(parseSteps(raw));
}

function* serializeSteps(s: StoredStatementIndex): Generator<void, string, void> {
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
  return JSON.stringify({ version: s.version, words: s.words, documents, matches: s.matches.length, checksum: checksum(payload), data: Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('base64') });
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

function* parseSteps(raw: string): Generator<void, StoredStatementIndex | string, void> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return 'is not valid JSON';
  }
  const d = data as { version?: unknown; words?: unknown; documents?: unknown; matches?: unknown; checksum?: unknown; data?: unknown };
  if (!d || typeof d !== 'object' || d.version !== STATEMENT_INDEX_VERSION) return `is not a version ${STATEMENT_INDEX_VERSION} statement index`;
  if (!Array.isArray(d.words) || d.words.some((x) => typeof x !== 'string')) return 'has no valid word list';
  const words = d.words as string[];
  if (!Array.isArray(d.documents)) return 'has no document list';
  if (!Number.isInteger(d.matches) || (d.matches as number) < 0 || typeof d.checksum !== 'string' || typeof d.data !== 'string') return 'has no valid payload';
  const payload = new Uint8Array(Buffer.from(d.data, 'base64'));
  if (checksum(payload) !== d.checksum) return 'has a payload that does not match its checksum';
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

/** Writes the index atomically (temporary file in the same folder, then rename). */
export async function writeStatementIndex(file: string, data: StoredStatementIndex): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = join(dirname(file), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-statements.json`);
  await writeFile(temp, await serializeStatementIndexInSlices(data));
  await rename(temp, file);
}

/** The statement index kept in `<dataDir>/index/statements.json` (the data folder's StatementIndexStorage). */
export class StatementIndexFile {
  constructor(readonly file: string) {}

  read(warn?: (message: string) => void): Promise<StoredStatementIndex | null> {
    return readStatementIndex(this.file, warn);
  }

  write(data: StoredStatementIndex): Promise<void> {
    return writeStatementIndex(this.file, data);
  }
}
