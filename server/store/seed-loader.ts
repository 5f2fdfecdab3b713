import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseSeed, type SeedSidecar } from '../domain/seeds.js';
import { createDocument } from '../domain/documents.js';
import type { DocumentStore } from './document-store.js';
import { AtomicJSONFile } from './atomic-json-file.js';

const MARKER = 'seeded.json';

/**
 * Loads the seed articles once per data folder: a marker file records that it happened, so a
 * second start (or a user who deleted a seed) never gets them again. A folder without `.txt`
 * files loads nothing (an empty corpus); `SEEDS=off` skips this call altogether (see main.ts).
 * Returns the ids it created.
 */
export async function loadSeedsOnce(store: DocumentStore, seedsDir: string, now = new Date().toISOString()): Promise<string[]> {
  const marker = join(store.dataDir, MARKER);
  if (existsSync(marker)) return [];
  const names = await readdir(seedsDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new Error(`the seeds folder ${seedsDir} does not exist: set SEEDS_DIR to a folder of seed articles, or SEEDS=off to start with an empty corpus`);
    throw err;
  });
  const files = names.filter((f) => f.endsWith('.txt')).sort();
  const created: string[] = [];
  for (const file of files) {
    const content = await readFile(join(seedsDir, file), 'utf8');
    const seed = parseSeed(file, content, await readSidecar(seedsDir, file));
    if (store.has(seed.id)) continue;
    await store.create(createDocument({ id: seed.id, body: seed.body, format: seed.format, meta: seed.meta, author: 'seed', now, message: `Loaded from seeds/${file}` }));
    created.push(seed.id);
  }
  await new AtomicJSONFile(marker).write({ seededAt: now, files });
  return created;
}

async function readSidecar(dir: string, file: string): Promise<SeedSidecar> {
  const path = join(dir, file.replace(/\.txt$/, '.meta.json'));
  if (!existsSync(path)) return {};
  return JSON.parse(await readFile(path, 'utf8')) as SeedSidecar;
}
