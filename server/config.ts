import { resolve } from 'node:path';

export interface Config {
  readonly port: number;
  /** The interface to listen on: `127.0.0.1` unless `HOST` asks for another (`0.0.0.0` for every interface). */
  readonly host: string;
  /** Host names (no port) a request's `Host` header may carry; anything else is refused (DNS rebinding). */
  readonly allowedHosts: readonly string[];
  readonly dataDir: string;
  readonly seedsDir: string;
  /** `SEEDS=off` starts with an empty corpus: the seed articles are never loaded. */
  readonly seeds: boolean;
  /** `ADMIN_PASSWORD`: the first admin's password on first start (else one is generated and printed once). */
  readonly adminPassword: string | undefined;
  /** `TRUST_PROXY=1`: behind a reverse proxy, believe X-Forwarded-Proto/For (secure cookies, client address). */
  readonly trustProxy: boolean;
  /**
   * `DATABASE_URL` (`postgres://USER:PASSWORD@HOST:PORT/DATABASE`): documents, users, sessions and every
   * other state in PostgreSQL, shared by any number of app servers; unset: the data folder (DATA_DIR).
   * Checked when the server opens it (server/store/postgres/pool.ts), which names what is wrong.
   */
  readonly databaseUrl: string | undefined;
  /**
   * Compiled page templates kept for the life of the process (a quarter of a `/compare` page's time
   * was compiling its templates again); `NODE_ENV=development` (`npm run dev`) compiles them on each
   * render, so an edited template shows on reload.
   */
  readonly viewCache: boolean;
}

/** Host names always accepted: the loopback names a browser on this machine uses. */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;

/**
 * Reads `PORT`, `HOST`, `ALLOWED_HOSTS` (comma-separated host names), `DATA_DIR`, `SEEDS_DIR`, `SEEDS`,
 * `ADMIN_PASSWORD`, `TRUST_PROXY`, `DATABASE_URL` and `NODE_ENV`;
 * a bad value throws with a message that names it.
 */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, not ${JSON.stringify(env.PORT)}`);
  }
  const host = env.HOST?.trim() || '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) {
    throw new Error(`HOST must be an interface address or host name such as 127.0.0.1 or 0.0.0.0, not ${JSON.stringify(env.HOST)}`);
  }
  const extra = (env.ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  const bad = extra.find((h) => !/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(h));
  if (bad !== undefined) {
    throw new Error(`ALLOWED_HOSTS must be host names separated by commas, without ports (for example "framewise.example,10.0.0.5"), not ${JSON.stringify(bad)}`);
  }
  const hostName = host.includes(':') ? `[${host.toLowerCase()}]` : host.toLowerCase();
  return Object.freeze({
    port,
    host,
    allowedHosts: Object.freeze([...new Set([...LOOPBACK_HOSTS, hostName, ...extra])]),
    dataDir: resolve(cwd, env.DATA_DIR || './data'),
    seedsDir: resolve(cwd, env.SEEDS_DIR || './seeds'),
    seeds: seedsSetting(env.SEEDS),
    adminPassword: env.ADMIN_PASSWORD || undefined,
    trustProxy: ['1', 'true', 'on', 'yes'].includes((env.TRUST_PROXY ?? '').trim().toLowerCase()),
    viewCache: env.NODE_ENV !== 'development',
    databaseUrl: env.DATABASE_URL?.trim() || undefined,
  });
}

/** `SEEDS`: `on` (the default) or `off`. */
function seedsSetting(value: string | undefined): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'on') return true;
  if (v === 'off') return false;
  throw new Error(`SEEDS must be "on" or "off", not ${JSON.stringify(value)}`);
}
