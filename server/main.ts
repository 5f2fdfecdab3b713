import { loadConfig } from './config.js';
import { DocumentStore } from './store/document-store.js';
import { ProjectStore } from './store/project-store.js';
import { loadSeedsOnce } from './store/seed-loader.js';
import { createApp } from './app.js';

const config = loadConfig(process.env);
const store = await DocumentStore.open(config.dataDir);
for (const p of store.problems) console.warn(`quarantined ${p.file}: ${p.reason} (moved to ${p.movedTo})`);
const project = await ProjectStore.open(config.dataDir);
const seeded = await loadSeedsOnce(store, config.seedsDir);
if (seeded.length) console.log(`loaded ${seeded.length} seed documents from ${config.seedsDir}`);

const server = createApp({ store, project }).listen(config.port, () => {
  console.log(`Framewise on http://localhost:${config.port} (data in ${config.dataDir})`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
