import { access, mkdir, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDir } from './atomic-json-file.js';

/**
 * Moves a damaged file to `<dataDir>/quarantine/<timestamp>-<name>` (with `-2`, `-3`… if that
 * name is taken, so nothing there is ever overwritten) and returns its new path.
 */
export async function moveToQuarantine(dataDir: string, file: string, now = new Date()): Promise<string> {
  const dir = join(dataDir, 'quarantine');
  await mkdir(dir, { recursive: true });
  const stem = `${now.toISOString().replace(/[:.]/g, '-')}-${basename(file)}`;
  let target = join(dir, stem);
  for (let n = 2; await exists(target); n++) target = join(dir, `${stem}-${n}`);
  await rename(file, target);
  await syncDir(dir);
  await syncDir(dirname(file));
  return target;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
