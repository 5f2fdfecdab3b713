import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { gunzipSync, unzip, type Unzipped } from 'fflate';

export interface NamedFile {
  /** Path inside the archive or folder, `/`-separated. */
  name: string;
  content: Uint8Array;
}

export interface ArchiveLimits {
  files: number;
  /** Total uncompressed bytes. */
  bytes: number;
}

/** Thrown when an archive holds more than the limits allow; nothing of it is used. */
export class ArchiveTooLarge extends Error {}

export function isArchiveName(name: string): boolean {
  return /\.(tar|tgz|tar\.gz|zip)$/i.test(name);
}

/**
 * The regular files in a `.tar`, `.tar.gz`/`.tgz` or `.zip`, checked against the limits from the
 * sizes the archive declares before anything is inflated (so a zip bomb is refused, not expanded).
 * Folders, links and names with `..` are ignored.
 */
export async function readArchive(name: string, bytes: Uint8Array, limits: ArchiveLimits): Promise<NamedFile[]> {
  if (/\.zip$/i.test(name)) return readZip(bytes, limits);
  const tarBytes = /\.(tgz|tar\.gz)$/i.test(name) ? gunzipBounded(bytes, limits) : bytes;
  return readTar(tarBytes, limits);
}

function gunzipBounded(bytes: Uint8Array, limits: ArchiveLimits): Uint8Array {
  // gzip stores the uncompressed size modulo 2^32 in its last four bytes.
  const n = bytes.length;
  const declared = n >= 4 ? (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0 : 0;
  if (declared > limits.bytes) throw new ArchiveTooLarge(`the archive expands to ${declared} bytes; the limit is ${limits.bytes}`);
  return gunzipSync(bytes);
}

function usable(path: string): boolean {
  return path !== '' && !path.split('/').includes('..') && !path.startsWith('/') && !/(^|\/)(\.|__MACOSX\/)/.test(path);
}

async function readTar(bytes: Uint8Array, limits: ArchiveLimits): Promise<NamedFile[]> {
  const extract = tar.extract();
  const files: NamedFile[] = [];
  let total = 0;
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      const keep = header.type === 'file' && usable(header.name);
      if (keep) {
        total += header.size ?? 0;
        if (files.length + 1 > limits.files) return reject(new ArchiveTooLarge(`the archive holds more than ${limits.files} files`));
        if (total > limits.bytes) return reject(new ArchiveTooLarge(`the archive expands to more than ${limits.bytes} bytes`));
      }
      stream.on('data', (c: unknown) => {
        if (keep) chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        if (keep) files.push({ name: header.name.replace(/^\.\//, ''), content: Buffer.concat(chunks) });
        next();
      });
      stream.on('error', reject);
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([Buffer.from(bytes)]).pipe(extract);
  await done;
  return files;
}

function readZip(bytes: Uint8Array, limits: ArchiveLimits): Promise<NamedFile[]> {
  let count = 0;
  let total = 0;
  let tooLarge: string | null = null;
  return new Promise((resolve, reject) => {
    unzip(
      bytes,
      {
        filter: (f) => {
          if (f.name.endsWith('/') || !usable(f.name)) return false;
          count++;
          total += f.originalSize;
          if (count > limits.files) tooLarge = `the archive holds more than ${limits.files} files`;
          else if (total > limits.bytes) tooLarge = `the archive expands to more than ${limits.bytes} bytes`;
          return tooLarge === null;
        },
      },
      (err, data: Unzipped) => {
        if (tooLarge) return reject(new ArchiveTooLarge(tooLarge));
        if (err) return reject(new Error(`not a readable zip archive: ${err.message}`));
        resolve(Object.entries(data).map(([name, content]) => ({ name, content })));
      },
    );
  });
}
