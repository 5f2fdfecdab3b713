import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { syncDir } from './atomic-json-file.js';
import { unpackArchive, type Manifest } from './backup-archive.js';
import { DataDirLock } from './lock.js';

/** What a data folder holds that a restore replaces. */
const DATA_ENTRIES = ['documents', 'quarantine', 'project.json', 'seeded.json', 'users.json', 'team.json'];

export interface RestoreResult {
  manifest: Manifest;
  /** Where the data that was there before went, when `force` moved it aside. */
  movedAsideTo: string | null;
}

/**
 * Restores a backup into `dataDir`. The archive is checked in full first (manifest, checksums,
 * document schema, allowed paths); a bad archive changes nothing. The data folder's lock is held
 * throughout, so a running server makes the restore fail. A folder that already holds data is
 * refused unless `force`; then its data is moved (never deleted) to `<dataDir>/replaced-<time>/`.
 * The files are written to a staging folder, fsynced, then renamed into place.
 */
export async function restoreBackup(archive: string, dataDir: string, options: { force?: boolean; now?: Date } = {}): Promise<RestoreResult> {
  const lock = await DataDirLock.acquire(dataDir);
  try {
    const { manifest, files } = await unpackArchive(createReadStream(archive));
    const present = await presentEntries(dataDir);
    if (present.length && !options.force) {
      throw new Error(`${dataDir} already holds data (${present.join(', ')}); restore into an empty folder, or add --force to move the current data aside first`);
    }
    const staging = join(dataDir, `.restore-${randomBytes(6).toString('hex')}`);
    for (const f of files) await writeSynced(join(staging, f.path), f.data);
    await mkdir(join(staging, 'documents'), { recursive: true });
    let movedAsideTo: string | null = null;
    if (present.length) {
      movedAsideTo = join(dataDir, `replaced-${(options.now ?? new Date()).toISOString().replace(/[:.]/g, '-')}`);
      await mkdir(movedAsideTo);
      for (const entry of present) await rename(join(dataDir, entry), join(movedAsideTo, entry));
    }
    for (const entry of await readdir(staging)) await rename(join(staging, entry), join(dataDir, entry));
    await rm(staging, { recursive: true });
    await syncDir(dataDir);
    return { manifest, movedAsideTo };
  } finally {
    lock.releaseSync();
  }
}

async function presentEntries(dataDir: string): Promise<string[]> {
  const present: string[] = [];
  for (const entry of DATA_ENTRIES) {
    try {
      const s = await stat(join(dataDir, entry));
      if (s.isDirectory() && (await readdir(join(dataDir, entry))).length === 0) continue;
      present.push(entry);
    } catch {
      // absent
    }
  }
  return present;
}

async function writeSynced(path: string, data: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
