import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { SERVER_ADMIN_PASSWORD, type ServerProcess } from '../reliability/server-process.js';

export { adminHeaders, killHard, whenListening, SERVER_ADMIN_PASSWORD, type ServerProcess } from '../reliability/server-process.js';

const MAIN = resolve('server/main.ts');

/**
 * Spawns a real Framewise server (`server/main.ts`, what `npm start` runs) on `databaseUrl` with
 * PORT=0, DATA_DIR=`dataDir` and ADMIN_PASSWORD=SERVER_ADMIN_PASSWORD; `env` adds or overrides
 * variables (an `undefined` value removes one). Does not wait for it to listen.
 */
export function spawnPgServer(databaseUrl: string | undefined, dataDir: string, env: Record<string, string | undefined> = {}): ServerProcess {
  const merged: Record<string, string | undefined> = { ...process.env, DATA_DIR: dataDir, PORT: '0', NODE_OPTIONS: '', ADMIN_PASSWORD: SERVER_ADMIN_PASSWORD, DATABASE_URL: databaseUrl, ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: merged as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal ?? 'unknown')));
  return { child, exited, output: () => out };
}

/** A session signed in on one server: its cookie and CSRF token, usable on every server of the database. */
export interface Session {
  cookie: string;
  csrf: string;
}

export async function signIn(url: string, username = 'admin', password = SERVER_ADMIN_PASSWORD): Promise<Session> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`sign-in of ${username} on ${url} failed: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], csrf: csrfToken };
}

export function headersOf(session: Session, json = false): Record<string, string> {
  return { cookie: session.cookie, 'x-csrf-token': session.csrf, ...(json ? { 'content-type': 'application/json' } : {}) };
}

/** GET `path` as JSON, throwing with the answer when it is not a 200. */
export async function getJson<T>(url: string, path: string, session: Session): Promise<T> {
  const res = await fetch(`${url}${path}`, { headers: headersOf(session) });
  if (res.status !== 200) throw new Error(`GET ${path} on ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Every item of a paged list (`?limit=1000&cursor=…`, answering `{ items, next }`). */
export async function getAll<T>(url: string, path: string, session: Session): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: { items: T[]; next: string | null } = await getJson(url, `${path}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, session);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return items;
}
