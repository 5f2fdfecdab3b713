import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { INITIAL_PASSWORD_FILE, type UserStore } from './user-store.js';
import { passwordProblem } from './passwords.js';
import { syncDir } from '../store/atomic-json-file.js';

/**
 * First start: when no user exists, creates `admin` with `ADMIN_PASSWORD`, or with a generated
 * password that is printed once and written to `<dataDir>/initial-admin-password` (mode 0600;
 * deleted when the admin's password is changed). Does nothing once any user exists.
 * `dataDir` is the data folder (default: the users' own folder, `users.dataDir`); on PostgreSQL the
 * users live in the database, so the caller names the folder (config.dataDir).
 */
export async function ensureAdmin(
  users: UserStore,
  adminPassword: string | undefined,
  log: (line: string) => void = console.log,
  dataDir: string | null = users.dataDir,
): Promise<'created' | 'generated' | 'exists'> {
  if (users.count() > 0) return 'exists';
  if (adminPassword) {
    const problem = passwordProblem(adminPassword);
    if (problem) throw new Error(`ADMIN_PASSWORD cannot be used: ${problem}`);
    await users.create('admin', adminPassword, 'admin');
    log('created user "admin" with the password in ADMIN_PASSWORD');
    return 'created';
  }
  const password = randomBytes(18).toString('base64url');
  if (!dataDir) throw new Error('no folder to write the initial admin password to; set ADMIN_PASSWORD or give ensureAdmin the data folder');
  const file = join(dataDir, INITIAL_PASSWORD_FILE);
  const handle = await open(file, 'w', 0o600);
  try {
    await handle.writeFile(`${password}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDir(dataDir);
  await users.create('admin', password, 'admin');
  log(`created user "admin" with password ${password} (also in ${file}; change it on /account)`);
  return 'generated';
}
