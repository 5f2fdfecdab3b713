import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { TEMP_PREFIX } from './atomic-json-file.js';

/**
 * The statement index's file beside the documents: `<dataDir>/index/statements.json`. It holds the
 * passage matches found (the costly part of matching: aligning passages) with the content key of
 * every document they were found in, so a restart re-aligns only the pairs of documents changed
 * since. Written whole (temporary file, then rename); a file that is not what this version wrote is
 * reported and ignored, never trusted: the index is then built from the documents.
 */
export const STATEMENT_INDEX_VERSION = 1;

/** One match: document and passage position of each side, aligned word ranges, equal words. */
export type StoredMatch = [string, number, string, number, number, number, number, number, number];

export interface StoredStatementIndex {
  version: number;
  /** Document id → the content key the matches were found with. */
  keys: Record<string, string>;
  matches: StoredMatch[];
}

export function statementIndexPath(dataDir: string): string {
  return join(dataDir, 'index', 'statements.json');
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
  const problem = storedIndexProblem(raw);
  if (typeof problem === 'string') {
    warn(`statement index ${file} ${problem}; it is rebuilt from the documents`);
    return null;
  }
  return problem;
}

/** The parsed index, or what is wrong with it. */
export function storedIndexProblem(raw: string): StoredStatementIndex | string {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return 'is not valid JSON';
  }
  const d = data as Partial<StoredStatementIndex>;
  if (!d || typeof d !== 'object' || d.version !== STATEMENT_INDEX_VERSION) return `is not a version ${STATEMENT_INDEX_VERSION} statement index`;
  if (!d.keys || typeof d.keys !== 'object' || Array.isArray(d.keys) || Object.values(d.keys).some((k) => typeof k !== 'string')) return 'has no valid document keys';
  if (!Array.isArray(d.matches)) return 'has no match list';
  for (const m of d.matches as unknown[][]) {
    const n = (i: number) => m[i] as number;
    const ok =
      Array.isArray(m) && m.length === 9 && typeof m[0] === 'string' && typeof m[2] === 'string' && d.keys[m[0]] !== undefined && d.keys[m[2]] !== undefined &&
      m.slice(4).every((x) => Number.isInteger(x) && (x as number) >= 0) && Number.isInteger(m[1]) && Number.isInteger(m[3]) && n(1) >= 0 && n(3) >= 0 && n(4) < n(5) && n(6) < n(7);
    if (!ok) return `holds a malformed match (${JSON.stringify(m).slice(0, 120)})`;
  }
  return d as StoredStatementIndex;
}

/** Writes the index atomically (temporary file in the same folder, then rename). */
export async function writeStatementIndex(file: string, data: StoredStatementIndex): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = join(dirname(file), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-statements.json`);
  await writeFile(temp, JSON.stringify(data));
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
