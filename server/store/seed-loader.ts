import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseSeed, type SeedSidecar } from '../domain/seeds.js';
import { createDocument } from '../domain/documents.js';
import type { Corpus } from './corpus.js';

/** The state (a file in the data folder, a row in PostgreSQL) that records that the seeds were loaded. */
const MARKER = 'seeded.json';

interface SeedMarker {
  seededAt?: string;
  files?: string[];
}

/**
 * Loads the seed articles once per corpus: a marker (`seeded.json`) records that it happened, so a
 * second start (or a user who deleted a seed) never gets them again. A folder without `.txt`
 * files loads nothing (an empty corpus); `SEEDS=off` skips this call altogether (see main.ts).
 * Returns the ids it created.
 */
export async function loadSeedsOnce(store: Corpus, seedsDir: string, now = new Date().toISOString()): Promise<string[]> {
  let marker;
  try {
    marker = await store.states.open<SeedMarker>(MARKER, () => ({}), (d) => (d !== null && typeof d === 'object' && !Array.isArray(d) ? null : 'is not a JSON object'));
  } catch (err) {
    // A marker that is there but damaged still says the seeds were loaded once.
    if (/is damaged/.test((err as Error).message)) return [];
    throw err;
  }
  if (Object.keys(marker.data).length > 0) return [];
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
  await marker.update((draft) => {
    draft.seededAt = now;
    draft.files = files;
  });
  return created;
}

async function readSidecar(dir: string, file: string): Promise<SeedSidecar> {
  const path = join(dir, file.replace(/\.txt$/, '.meta.json'));
  if (!existsSync(path)) return {};
  return JSON.parse(await readFile(path, 'utf8')) as SeedSidecar;
}
