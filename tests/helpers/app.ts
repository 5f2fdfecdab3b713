import { settleCompareService } from '../../server/services/outlets.js';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import supertest from 'supertest';
import { DocumentStore } from '../../server/store/document-store.js';
import { ProjectStore } from '../../server/store/project-store.js';
import { loadSeedsOnce } from '../../server/store/seed-loader.js';
import { createApp } from '../../server/app.js';
import { UserStore } from '../../server/auth/user-store.js';
import { TeamStore } from '../../server/auth/team-store.js';
import type { Role } from '../../server/auth/roles.js';
import type { DocumentRecord } from '../../server/domain/types.js';

export const SEEDS_DIR = resolve('seeds');
/** Test fixtures kept in the repository (tests/fixtures/README.md says where each comes from). */
export const FIXTURES_DIR = resolve('tests', 'fixtures');
export const FIRST_SEED = '000_b5b79bfe33936fda';

export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'framewise-test-'));
}

/** The password of every user the test helpers create. */
export const TEST_PASSWORD = 'correct horse battery staple';

export type TestClient = ReturnType<typeof supertest>;
const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options']);

/** A supertest client that sends `Authorization: Bearer <token>` with every request. */
export function bearerClient(app: Parameters<typeof supertest>[0], token: string): TestClient {
  const raw = supertest(app);
  return new Proxy(raw, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop === 'string' && VERBS.has(prop) && typeof value === 'function') {
        return (...args: unknown[]) => (value as (...a: unknown[]) => { set: (k: string, v: string) => unknown }).apply(target, args).set('Authorization', `Bearer ${token}`);
      }
      return value;
    },
  });
}

/**
 * A real app over a real store in a fresh temporary DATA_DIR, optionally with the seeds loaded.
 * `http` is signed in as the admin (a bearer token made through the real user store); `as(name,
 * role)` gives a client for another user (created on first use), `anonymous` one with no
 * credentials, and `session(name)` a cookie-signed-in agent with its CSRF token.
 */
export async function startTestApp(options: { seeds?: boolean; dataDir?: string } = {}) {
  const dataDir = options.dataDir ?? (await tempDataDir());
  const store = await DocumentStore.open(dataDir);
  if (options.seeds) await loadSeedsOnce(store, SEEDS_DIR);
  const project = await ProjectStore.open(dataDir);
  const users = await UserStore.open(dataDir);
  const team = await TeamStore.open(dataDir);
  if (!users.get('admin')) await users.create('admin', TEST_PASSWORD, 'admin');
  const app = createApp({ store, project, users, team });
  const clients = new Map<string, TestClient>();
  /** A raw bearer token for `username` (created with `role` if missing), for tests that call fetch themselves. */
  const token = async (username = 'admin', role: Role = 'annotator'): Promise<string> => {
    if (!users.get(username)) await users.create(username, TEST_PASSWORD, role);
    return (await users.createToken(username, 'tests')).token;
  };
  /** A client signed in (by bearer token) as `username`, created with `role` if it does not exist. */
  const as = async (username: string, role: Role = 'annotator'): Promise<TestClient> => {
    const known = clients.get(username);
    if (known) return known;
    if (!users.get(username)) await users.create(username, TEST_PASSWORD, role);
    const client = bearerClient(app, (await users.createToken(username, 'tests')).token);
    clients.set(username, client);
    return client;
  };
  /** A cookie session for `username` (created with `role` if missing): the agent keeps the cookie. */
  const session = async (username = 'admin', role: Role = 'annotator') => {
    if (!users.get(username)) await users.create(username, TEST_PASSWORD, role);
    const agent = supertest.agent(app);
    const res = await agent.post('/api/login').send({ username, password: TEST_PASSWORD }).expect(200);
    return { agent, csrfToken: res.body.csrfToken as string };
  };
  const http = await as('admin');
  return {
    dataDir,
    store,
    project,
    users,
    team,
    app,
    http,
    anonymous: supertest(app),
    as,
    session,
    token,
    // The statement index's background work is stopped first (a snapshot write landing after the
    // test would log after jest is done, which fails the run); removal is retried in case another
    // background write (the search index) adds a file to index/ meanwhile (ENOTEMPTY).
    cleanup: async () => {
      await settleCompareService(store);
      await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
}

/** The document file as it is on disk. */
export async function readDocFile(dataDir: string, id: string): Promise<DocumentRecord> {
  return JSON.parse(await readFile(join(dataDir, 'documents', `${id}.json`), 'utf8')) as DocumentRecord;
}

/**
 * Every file under DATA_DIR with its exact bytes, to prove an error changed nothing. `index/` is
 * left out: the statement index file there is a cache derived from the documents, written in the
 * background after any build (a read request may start one).
 */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(d: string, prefix: string) {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (rel === 'index' && entry.isDirectory()) continue;
      if (entry.isDirectory()) await walk(join(d, entry.name), rel);
      else out[rel] = (await readFile(join(d, entry.name))).toString('base64');
    }
  }
  await walk(dir, '');
  return out;
}

/** Names of files added, removed or changed between two snapshots (short, unlike a full diff). */
export function changedFiles(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
}

/**
 * For suites of refusals: before each test DATA_DIR is snapshotted; after it, no file may have
 * changed and the server must still answer. A test whose change was meant calls `rebaseline()`.
 */
export function expectDataUntouchedAfterEach(app: () => Awaited<ReturnType<typeof startTestApp>>): { rebaseline: () => Promise<void> } {
  let before: Record<string, string> = {};
  const rebaseline = async () => {
    before = await snapshotDir(app().dataDir);
  };
  beforeEach(rebaseline);
  afterEach(async () => {
    expect(changedFiles(before, await snapshotDir(app().dataDir))).toEqual([]);
    expect((await app().http.get('/api/documents')).status).toBe(200);
  });
  return { rebaseline };
}
