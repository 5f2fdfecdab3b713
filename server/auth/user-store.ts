import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { unlink } from 'node:fs/promises';
import { FileStateBackend, stateBackendOf, type JsonState, type StateBackend } from '../store/state.js';
import { isRole, type AuthUser, type Role } from './roles.js';
import { dummyHash, hashPassword, passwordMatches } from './passwords.js';

export interface UserRecord {
  username: string;
  role: Role;
  /** argon2id PHC string; the password itself is never stored nor logged. */
  passwordHash: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SessionRecord {
  /** sha256 of the cookie value: a copy of users.json does not hand out live sessions. */
  idHash: string;
  username: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

export interface TokenRecord {
  id: string;
  username: string;
  name: string;
  /** sha256 of the token (32 random bytes): enough for a secret nobody can guess. */
  hash: string;
  createdAt: string;
}

interface UsersData {
  users: UserRecord[];
  sessions: SessionRecord[];
  tokens: TokenRecord[];
}

/** How long a session lasts after sign-in, in milliseconds (absolute, not sliding). */
export const SESSION_LIFETIME_MS = 14 * 24 * 3600 * 1000;
/** Most tokens one user may hold. */
export const MAX_TOKENS_PER_USER = 20;
/** Usernames: 1-40 characters, lower-case letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,39}$/;
/** Names a user cannot take: they are layer names or mean "nobody". */
export const RESERVED_USERNAMES = ['gold', 'all', 'anonymous', 'suggestions'];
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function usernameProblem(username: unknown): string | null {
  if (typeof username !== 'string') return 'the username must be a string';
  if (!USERNAME_PATTERN.test(username)) return 'the username must be 1-40 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit';
  if (RESERVED_USERNAMES.includes(username)) return `"${username}" is reserved; choose another username`;
  return null;
}

function usersProblem(data: unknown): string | null {
  const d = data as Partial<UsersData>;
  if (typeof d !== 'object' || d === null) return 'not an object';
  if (!Array.isArray(d.users)) return 'users must be a list';
  if ((d.sessions !== undefined && !Array.isArray(d.sessions)) || (d.tokens !== undefined && !Array.isArray(d.tokens))) return 'sessions and tokens must be lists';
  const bad = d.users.find((u) => usernameProblem(u?.username) !== null || !isRole(u?.role) || typeof u?.passwordHash !== 'string');
  return bad ? `the user ${JSON.stringify(bad?.username)} is not valid` : null;
}

/**
 * Users, their sessions and their API tokens, in the state `users.json` (a durable file in the data
 * folder, or a row on PostgreSQL; writes serialised). Lookups are synchronous, from memory.
 */
export class UserStore {
  private constructor(
    private readonly db: JsonState<UsersData>,
    /** The folder of the initial-admin-password file (see bootstrap.ts), or `null` when none is known. */
    readonly dataDir: string | null,
  ) {}

  /**
   * Opens the users of `states`: a StateBackend, or a data folder (wrapped in a FileStateBackend).
   * `dataDir` is the folder of the initial-admin-password file, deleted when the admin's password
   * changes; it defaults to the data folder of a folder or FileStateBackend.
   */
  static async open(states: StateBackend | string, options: { dataDir?: string } = {}): Promise<UserStore> {
    const backend = stateBackendOf(states);
    const dataDir = options.dataDir ?? (typeof states === 'string' ? states : backend instanceof FileStateBackend ? backend.dataDir : null);
    const db = await backend.open<UsersData>('users.json', () => ({ users: [], sessions: [], tokens: [] }), usersProblem);
    // A restored backup may hold the users without sessions or tokens: nobody is signed in then.
    db.repair((d) => {
      d.sessions ??= [];
      d.tokens ??= [];
    });
    return new UserStore(db, dataDir);
  }

  list(): UserRecord[] {
    return [...this.db.data.users].sort((a, b) => a.username.localeCompare(b.username));
  }

  get(username: string): UserRecord | null {
    return this.db.data.users.find((u) => u.username === username) ?? null;
  }

  count(): number {
    return this.db.data.users.length;
  }

  async create(username: string, password: string, role: Role): Promise<UserRecord> {
    const passwordHash = await hashPassword(password);
    return this.db.update((d) => {
      if (d.users.some((u) => u.username === username)) throw new UserError(409, 'conflict', `a user named "${username}" already exists`);
      const now = new Date().toISOString();
      const user: UserRecord = { username, role, passwordHash, disabled: false, createdAt: now, updatedAt: now };
      d.users.push(user);
      return user;
    });
  }

  /**
   * Changes role, disabled flag and/or password. Disabling a user or setting their password ends
   * their sessions (except `keepSession`, the one that changed its own password).
   */
  async change(username: string, patch: { role?: Role; disabled?: boolean; password?: string }, keepSession?: string): Promise<UserRecord> {
    const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
    const user = await this.db.update((d) => {
      const user = d.users.find((u) => u.username === username);
      if (!user) throw new UserError(404, 'not_found', `no user named "${username}"`);
      if (patch.role !== undefined) user.role = patch.role;
      if (patch.disabled !== undefined) user.disabled = patch.disabled;
      if (passwordHash) user.passwordHash = passwordHash;
      if (user.role !== 'admin' || user.disabled) {
        if (!d.users.some((u) => u.role === 'admin' && !u.disabled)) throw new UserError(409, 'last_admin', 'this would leave no enabled admin; make another user admin first');
      }
      user.updatedAt = new Date().toISOString();
      if (patch.disabled || passwordHash) {
        const keep = keepSession ? sha256(keepSession) : null;
        d.sessions = d.sessions.filter((s) => s.username !== username || (!patch.disabled && s.idHash === keep));
      }
      return user;
    });
    if (passwordHash && username === 'admin' && this.dataDir) await unlink(join(this.dataDir, INITIAL_PASSWORD_FILE)).catch(() => undefined);
    return user;
  }

  /** The user whose password this is, or null (same time spent whether the user exists or not). */
  async verify(username: string, password: string): Promise<UserRecord | null> {
    const user = this.get(username);
    const ok = await passwordMatches(user?.passwordHash ?? (await dummyHash()), password);
    return user && ok && !user.disabled ? user : null;
  }

  /** Starts a session; answers the cookie value (shown once) and its CSRF token. */
  async startSession(username: string): Promise<{ sessionId: string; csrfToken: string }> {
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.db.update((d) => {
      d.sessions = d.sessions.filter((s) => Date.parse(s.expiresAt) > now);
      d.sessions.push({ idHash: sha256(sessionId), username, csrfToken, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + SESSION_LIFETIME_MS).toISOString() });
    });
    return { sessionId, csrfToken };
  }

  async endSession(sessionId: string): Promise<void> {
    const idHash = sha256(sessionId);
    if (!this.db.data.sessions.some((s) => s.idHash === idHash)) return;
    await this.db.update((d) => {
      d.sessions = d.sessions.filter((s) => s.idHash !== idHash);
    });
  }

  /** The live session's user and CSRF token, or null (unknown, expired, user gone or disabled). */
  session(sessionId: string): { user: AuthUser; csrfToken: string } | null {
    const idHash = sha256(sessionId);
    const s = this.db.data.sessions.find((x) => x.idHash === idHash);
    if (!s || Date.parse(s.expiresAt) <= Date.now()) return null;
    const user = this.get(s.username);
    return user && !user.disabled ? { user: { username: user.username, role: user.role }, csrfToken: s.csrfToken } : null;
  }

  /** Creates a personal API token; the token itself is answered once and only its hash is kept. */
  async createToken(username: string, name: string): Promise<{ token: string; record: TokenRecord }> {
    const token = `fw_${randomBytes(32).toString('base64url')}`;
    const record = await this.db.update((d) => {
      if (d.tokens.filter((t) => t.username === username).length >= MAX_TOKENS_PER_USER) {
        throw new UserError(409, 'too_many_tokens', `a user may hold at most ${MAX_TOKENS_PER_USER} tokens; revoke one first`);
      }
      const record: TokenRecord = { id: randomUUID(), username, name, hash: sha256(token), createdAt: new Date().toISOString() };
      d.tokens.push(record);
      return record;
    });
    return { token, record };
  }

  tokensOf(username: string): TokenRecord[] {
    return this.db.data.tokens.filter((t) => t.username === username);
  }

  /** Revokes a token of `username`; false when they hold no token with that id. */
  async revokeToken(username: string, id: string): Promise<boolean> {
    if (!this.db.data.tokens.some((t) => t.id === id && t.username === username)) return false;
    await this.db.update((d) => {
      d.tokens = d.tokens.filter((t) => !(t.id === id && t.username === username));
    });
    return true;
  }

  /** The token's user, or null (unknown or revoked token, user gone or disabled). */
  tokenUser(token: string): AuthUser | null {
    const hash = sha256(token);
    const t = this.db.data.tokens.find((x) => x.hash === hash);
    const user = t ? this.get(t.username) : null;
    return user && !user.disabled ? { username: user.username, role: user.role } : null;
  }
}

/** A refusal from the user store, mapped to its HTTP status by the routes. */
export class UserError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}
