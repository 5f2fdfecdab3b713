import { loadConfig } from './config.js';
import { DocumentStore, docCacheBytes } from './store/document-store.js';
import { ProjectStore } from './store/project-store.js';
import { loadSeedsOnce } from './store/seed-loader.js';
import { lockDataDirForProcess } from './store/lock.js';
import { createApp } from './app.js';
import { warmUpReanchorWorker } from './services/revisions.js';
import { installProcessGuard } from './process-guard.js';
import { UserStore } from './auth/user-store.js';
import { TeamStore } from './auth/team-store.js';
import { ensureAdmin } from './auth/bootstrap.js';

const config = loadConfig(process.env);

// The lock comes first: opening the store deletes temporary files and quarantines damaged ones,
// which only the folder's single writer may do.
const locked = await lockDataDirForProcess(config.dataDir);
if ('refused' in locked) {
  console.error(`Framewise cannot start: ${locked.refused}`);
  process.exit(1);
}

// Until the server listens, an error ends the start (exit 1) with a sentence naming the problem;
// only a running server keeps serving through unexpected errors (the process guard).
try {
  await start();
} catch (err) {
  console.error(`Framewise cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

async function start(): Promise<void> {
  const store = await DocumentStore.open(config.dataDir, { cacheBytes: docCacheBytes(process.env.DOC_CACHE_MB) });
  if (store.removedTempFiles.length) console.warn(`removed ${store.removedTempFiles.length} temporary file(s) left by an interrupted write`);
  for (const p of store.problems) console.warn(`quarantined ${p.file}: ${p.reason} (moved to ${p.movedTo})`);
  const project = await ProjectStore.open(config.dataDir);
  const seeded = config.seeds ? await loadSeedsOnce(store, config.seedsDir) : [];
  if (seeded.length) console.log(`loaded ${seeded.length} seed documents from ${config.seedsDir}`);

  const users = await UserStore.open(config.dataDir);
  await ensureAdmin(users, config.adminPassword);
  const team = await TeamStore.open(config.dataDir);

  const server = createApp({ store, project, users, team, allowedHosts: config.allowedHosts, trustProxy: config.trustProxy }).listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
    console.log(`Framewise on http://${shown}:${port} (listening on ${config.host}; data in ${config.dataDir})`);
    // Start the re-anchoring worker now, so the first large revision does not pay for its start.
    warmUpReanchorWorker();
    installProcessGuard();
  });
  server.on('error', (err) => {
    console.error(`Framewise cannot listen on ${config.host}:${config.port}: ${err.message}`);
    process.exit(1);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => server.close(() => process.exit(0)));
  }
}
