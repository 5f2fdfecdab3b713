import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import supertest from 'supertest';
import { DocumentStore } from '../../server/store/document-store.js';
import { ProjectStore } from '../../server/store/project-store.js';
import { loadSeedsOnce } from '../../server/store/seed-loader.js';
import { createApp } from '../../server/app.js';
import type { DocumentRecord } from '../../server/domain/types.js';

export const SEEDS_DIR = resolve('seeds');
/** Test fixtures kept in the repository (tests/fixtures/README.md says where each comes from). */
export const FIXTURES_DIR = resolve('tests', 'fixtures');
export const FIRST_SEED = '000_b5b79bfe33936fda';

export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'framewise-test-'));
}

/** A real app over a real store in a fresh temporary DATA_DIR, optionally with the seeds loaded. */
export async function startTestApp(options: { seeds?: boolean; dataDir?: string } = {}) {
  const dataDir = options.dataDir ?? (await tempDataDir());
  const store = await DocumentStore.open(dataDir);
  if (options.seeds) await loadSeedsOnce(store, SEEDS_DIR);
  const project = await ProjectStore.open(dataDir);
  const app = createApp({ store, project });
  return {
    dataDir,
    store,
    project,
    app,
    http: supertest(app),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/** The document file as it is on disk. */
export async function readDocFile(dataDir: string, id: string): Promise<DocumentRecord> {
  return JSON.parse(await readFile(join(dataDir, 'documents', `${id}.json`), 'utf8')) as DocumentRecord;
}

/** Every file under DATA_DIR with its exact bytes, to prove an error changed nothing. */
export async function snapshotDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(d: string, prefix: string) {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
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
