import { mkdir } from 'node:fs/promises';
import type pg from 'pg';
import { loadConfig, type Config } from './config.js';
import { DocumentStore } from './store/document-store.js';
import { ProjectStore } from './store/project-store.js';
import { loadSeedsOnce } from './store/seed-loader.js';
import { openCorpus } from './store/open-corpus.js';
import type { Corpus } from './store/corpus.js';
import { createApp } from './app.js';
import { warmUpReanchorWorker } from './services/revisions.js';
import { installProcessGuard } from './process-guard.js';
import { UserStore } from './auth/user-store.js';
import { TeamStore } from './auth/team-store.js';
import { ensureAdmin } from './auth/bootstrap.js';

interface Opened {
  store: Corpus;
  project: ProjectStore;
  users: UserStore;
  team: TeamStore;
  /** Where the data is, for the start line. */
  where: string;
  close(): Promise<void>;
}

/**
 * Opens what the environment names (server/store/open-corpus.ts), then the users and the team, and
 * does the first start's work (seeds, first admin).
 *
 * Without DATABASE_URL: the data folder, which one process at a time may use (framewise.lock).
 *
 * With DATABASE_URL: documents and every small state in PostgreSQL, shared by any number of
 * processes, so the data folder is not locked (it only receives `initial-admin-password` when this
 * server creates the first admin without ADMIN_PASSWORD). The first start's work (seeds, recorded
 * in the `seeded.json` state, a row in the database; the first admin) runs under a PostgreSQL
 * advisory lock after catching up, so servers starting at once do it exactly once.
 */
async function open(config: Config): Promise<Opened> {
  const opened = await openCorpus(process.env, { mode: 'write', log: (m) => console.warn(m) });
  try {
    const { corpus: store, project, pool, migrated, where } = opened;
    if (store instanceof DocumentStore) {
      if (store.removedTempFiles.length) console.warn(`removed ${store.removedTempFiles.length} temporary file(s) left by an interrupted write`);
      for (const p of store.problems) console.warn(`quarantined ${p.file}: ${p.reason} (moved to ${p.movedTo})`);
    }
    if (migrated?.applied.length) console.log(`database schema migrated from version ${migrated.from} to ${migrated.to}`);
    const states = pool ? store.states : config.dataDir;
    const users = await UserStore.open(states, { dataDir: config.dataDir });
    const team = await TeamStore.open(states);
    const firstStart = async () => {
      await store.refresh(); // on a database: what a server that started first did, up to now
      const seeded = config.seeds ? await loadSeedsOnce(store, config.seedsDir) : [];
      if (seeded.length) console.log(`loaded ${seeded.length} seed documents from ${config.seedsDir}`);
      // A generated first password goes to DATA_DIR/initial-admin-password (on a database, the folder's only use).
      if (users.count() === 0 && !config.adminPassword) await mkdir(config.dataDir, { recursive: true });
      await ensureAdmin(users, config.adminPassword, console.log, config.dataDir);
    };
    await (pool ? onceAcrossServers(pool, firstStart) : firstStart());
    return { store, project, users, team, where, close: () => opened.close() };
  } catch (err) {
    await opened.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The advisory lock the first-start work (seeds, first admin) runs under: any number but those of
 * the migrations (7_301_017, migrate.ts) and the change feed (7_301_018, pg-document-repository.ts).
 */
const FIRST_START_LOCK = 7_301_020;

/** Runs `fn` while holding a session advisory lock: one server at a time, whatever their number. */
async function onceAcrossServers(pool: pg.Pool, fn: () => Promise<void>): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [FIRST_START_LOCK]);
    try {
      await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [FIRST_START_LOCK]).catch((err: Error) => {
        broken = err;
      });
    }
  } finally {
    client.release(broken);
  }
}

function serve(config: Config, { store, project, users, team, where, close }: Opened): void {
  const server = createApp({ store, project, users, team, allowedHosts: config.allowedHosts, trustProxy: config.trustProxy, viewCache: config.viewCache }).listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
    console.log(`Framewise on http://${shown}:${port} (listening on ${config.host}; data in ${where})`);
    // Start the re-anchoring worker now, so the first large revision does not pay for its start.
    warmUpReanchorWorker();
    void import('./services/domain-worker.js').then((m) => setImmediate(m.warmUpSuggestionModel)); // the suggestions' model, loaded before the first request needs it
    installProcessGuard();
  });
  server.on('error', (err) => {
    console.error(`Framewise cannot listen on ${config.host}:${config.port}: ${err.message}`);
    process.exit(1);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () =>
      server.close(() => {
        void close()
          .catch(() => undefined)
          .finally(() => process.exit(0));
      }),
    );
  }
}

// (At the end of the module, so every constant above is initialised.)
// Until the server listens, an error ends the start (exit 1) with a sentence naming the problem;
// only a running server keeps serving through unexpected errors (the process guard).
try {
  const config = loadConfig(process.env);
  const opened = await open(config);
  serve(config, opened);
} catch (err) {
  console.error(`Framewise cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
