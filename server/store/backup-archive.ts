import { createHash } from 'node:crypto';
import { createGunzip, createGzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import tar from 'tar-stream';
import { documentFileSchema, isDocumentId } from '../domain/schema.js';
import { documentLabelsProblem, knownTypeIds, projectFileProblem, usersFileProblem } from '../domain/data-checks.js';
import { teamFileProblem } from '../auth/team-store.js';

/**
 * The backup format: a gzipped tar holding the data folder's files under their relative paths
 * (`documents/<id>.json`, `project.json`, `seeded.json`, `users.json`, `quarantine/<name>`) and, last,
 * `manifest.json` with the size and SHA-256 of each, so a damaged or tampered archive is refused.
 */
export const MANIFEST = 'manifest.json';
export const FORMAT = 'framewise-backup/1';

/** A problem with the archive's content, as opposed to a failure to read it. */
export class ArchiveError extends Error {}

export interface ManifestEntry {
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof FORMAT;
  createdAt: string;
  documents: number;
  files: ManifestEntry[];
}

export interface ArchiveFile {
  path: string;
  data: Buffer;
}

/** True for the only paths an archive may hold: no `..`, no absolute paths, no other folders. */
export function isAllowedPath(path: string): boolean {
  if (path === 'project.json' || path === 'seeded.json' || path === 'users.json' || path === 'team.json') return true;
  const doc = /^documents\/([^/]+)\.json$/.exec(path);
  if (doc) return isDocumentId(doc[1]);
  return /^quarantine\/[A-Za-z0-9][A-Za-z0-9._-]{0,250}$/.test(path);
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Writes the files, then the manifest, as a .tar.gz to `out`. */
export async function packArchive(files: ArchiveFile[], out: Writable, createdAt: string): Promise<Manifest> {
  const manifest: Manifest = {
    format: FORMAT,
    createdAt,
    documents: files.filter((f) => f.path.startsWith('documents/')).length,
    files: files.map((f) => ({ path: f.path, bytes: f.data.length, sha256: sha256(f.data) })),
  };
  const pack = tar.pack();
  const done = pipeline(pack, createGzip(), out);
  for (const f of [...files, { path: MANIFEST, data: Buffer.from(JSON.stringify(manifest, null, 2)) }]) {
    pack.entry({ name: f.path, size: f.data.length, mtime: new Date(createdAt), mode: 0o644 }, f.data);
  }
  pack.finalize();
  await done;
  return manifest;
}

/**
 * Reads and checks an archive: every entry a regular file at an allowed path, listed in the
 * manifest with its size and hash, and its content what the server accepts at start (checksums
 * only prove the archive is the one written, not that its content is sound): `project.json` a
 * project file, `users.json` a users file, every document file a valid document whose id matches
 * its name and whose every label fits its revision's text and has a known type.
 * Throws an ArchiveError naming the file and the reason; nothing is written anywhere.
 */
export async function unpackArchive(input: Readable, maxBytes = 2 * 1024 ** 3): Promise<{ manifest: Manifest; files: ArchiveFile[] }> {
  const extract = tar.extract();
  // Settles with the stream error (or null) and never rejects: the loop below reports it.
  const streamError = pipeline(input, createGunzip(), extract).then(() => null, (err: Error) => err);
  const entries = new Map<string, Buffer>();
  try {
    await readEntries(extract, entries, maxBytes);
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(`not a readable .tar.gz backup: ${((await streamError) ?? (err as Error)).message}`);
  }
  const failed = await streamError;
  if (failed) throw new ArchiveError(`not a readable .tar.gz backup: ${failed.message}`);
  const manifest = parseManifest(entries.get(MANIFEST));
  entries.delete(MANIFEST);
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const name of entries.keys()) if (!listed.has(name)) throw new ArchiveError(`"${name}" is in the archive but not in its manifest`);
  const files: ArchiveFile[] = [];
  for (const m of manifest.files) {
    const data = entries.get(m.path);
    if (!data) throw new ArchiveError(`"${m.path}" is listed in the manifest but missing from the archive`);
    if (data.length !== m.bytes || sha256(data) !== m.sha256) throw new ArchiveError(`"${m.path}" does not match its manifest checksum: the archive is damaged`);
    files.push({ path: m.path, data });
  }
  checkContents(files);
  return { manifest, files };
}

async function readEntries(extract: tar.Extract, entries: Map<string, Buffer>, maxBytes: number): Promise<void> {
  let total = 0;
  for await (const entry of extract) {
    const { name, type } = entry.header;
    if (type !== 'file') throw new ArchiveError(`the archive holds "${name}", which is not a plain file`);
    if (name !== MANIFEST && !isAllowedPath(name)) throw new ArchiveError(`the archive holds "${name}", which is not a path a backup may contain`);
    if (entries.has(name)) throw new ArchiveError(`the archive holds "${name}" twice`);
    const chunks: Buffer[] = [];
    for await (const chunk of entry) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) throw new ArchiveError(`the archive unpacks to more than ${maxBytes} bytes`);
      chunks.push(chunk as Buffer);
    }
    entries.set(name, Buffer.concat(chunks));
  }
}

function parseManifest(data: Buffer | undefined): Manifest {
  if (!data) throw new ArchiveError(`the archive has no ${MANIFEST}: it is not a Framewise backup`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(data.toString('utf8')) as Manifest;
  } catch {
    throw new ArchiveError(`${MANIFEST} is not valid JSON`);
  }
  if (manifest.format !== FORMAT || !Array.isArray(manifest.files)) throw new ArchiveError(`${MANIFEST} is not a ${FORMAT} manifest`);
  for (const f of manifest.files) {
    if (typeof f.path !== 'string' || !isAllowedPath(f.path)) throw new ArchiveError(`the manifest lists "${String(f.path)}", which is not a path a backup may contain`);
  }
  return manifest;
}

/** The project and users files first (the label types come from the project), then every document. */
function checkContents(files: ArchiveFile[]): void {
  const byPath = new Map(files.map((f) => [f.path, f.data]));
  const project = byPath.has('project.json') ? parseJson('project.json', byPath.get('project.json')!) : {};
  refuse('project.json', projectFileProblem(project));
  if (byPath.has('users.json')) refuse('users.json', usersFileProblem(parseJson('users.json', byPath.get('users.json')!)));
  if (byPath.has('team.json')) refuse('team.json', teamFileProblem(parseJson('team.json', byPath.get('team.json')!)));
  const types = knownTypeIds(project);
  for (const f of files) if (f.path.startsWith('documents/')) checkDocument(f.path, f.data, types);
}

function refuse(path: string, problem: string | null): void {
  if (problem) throw new ArchiveError(`${path} ${problem}: the server would not start with it`);
}

function parseJson(path: string, data: Buffer): unknown {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new ArchiveError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
}

function checkDocument(path: string, data: Buffer, types: Set<string>): void {
  const id = path.slice('documents/'.length, -'.json'.length);
  const parsed = documentFileSchema.safeParse(parseJson(path, data));
  if (!parsed.success) throw new ArchiveError(`${path} does not match the document schema: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  if (parsed.data.id !== id) throw new ArchiveError(`${path} holds document "${parsed.data.id}", not "${id}"`);
  const problem = documentLabelsProblem(parsed.data, types);
  if (problem) throw new ArchiveError(`${path}: ${problem}`);
}

/** A readable stream over a buffer, for tests and in-memory archives. */
export const fromBuffer = (buf: Buffer) => Readable.from([buf]);
