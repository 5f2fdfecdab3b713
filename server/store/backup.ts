import { createWriteStream } from 'node:fs';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { TEMP_PREFIX, syncDir } from './atomic-json-file.js';
import { isAllowedPath, packArchive, type ArchiveFile, type Manifest } from './backup-archive.js';

/**
 * Writes a consistent backup of `dataDir` to `outFile` (a .tar.gz) while a server may be running.
 * Why it is consistent without stopping the server: every data file is only ever replaced whole by
 * an atomic rename, so each read sees one complete version of it; documents are independent of
 * each other; and `project.json` (label types, which only ever grow) is read last, so every type a
 * backed-up label uses is in the backup. The archive is written to a temporary file, fsynced and
 * renamed into place: a crash never leaves a half-written archive under the requested name.
 */
export async function writeBackup(dataDir: string, outFile: string, now = new Date()): Promise<Manifest> {
  const out = resolve(outFile);
  if (out.startsWith(resolve(dataDir) + '/')) throw new Error('write the backup outside the data folder');
  const files = await collectFiles(dataDir);
  const temp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const manifest = await packArchive(files, createWriteStream(temp, { flags: 'wx' }), now.toISOString());
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, out);
    await syncDir(dirname(out));
    return manifest;
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** The data folder's files, documents first and project.json last (see writeBackup). */
export async function collectFiles(dataDir: string): Promise<ArchiveFile[]> {
  const files: ArchiveFile[] = [];
  for (const folder of ['documents', 'quarantine']) {
    for (const name of (await listDir(join(dataDir, folder))).sort()) {
      const path = `${folder}/${name}`;
      if (name.startsWith(TEMP_PREFIX) || !isAllowedPath(path)) continue;
      const data = await readIfPresent(join(dataDir, path));
      if (!data) continue;
      if (folder === 'documents') assertJson(path, data);
      files.push({ path, data });
    }
  }
  for (const path of ['seeded.json', 'users.json', 'team.json', 'project.json']) {
    const data = await readIfPresent(join(dataDir, path));
    if (data) files.push({ path, data });
  }
  return files;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function readIfPresent(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Files are replaced whole, so a document that does not parse is damaged, not half-written. */
function assertJson(path: string, data: Buffer): void {
  try {
    JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message}); restart the server to quarantine it, then back up again`);
  }
}
