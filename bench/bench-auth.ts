import { randomBytes } from 'node:crypto';
import { UserStore } from '../server/auth/user-store.js';
import { TeamStore } from '../server/auth/team-store.js';

/** Stores for createApp and an admin's bearer header, for benchmarks that call the HTTP API. */
export async function benchAuth(dataDir: string): Promise<{ users: UserStore; team: TeamStore; authorization: string }> {
  const users = await UserStore.open(dataDir);
  if (!users.get('admin')) await users.create('admin', randomBytes(18).toString('base64url'), 'admin');
  const { token } = await users.createToken('admin', 'bench');
  return { users, team: await TeamStore.open(dataDir), authorization: `Bearer ${token}` };
}
