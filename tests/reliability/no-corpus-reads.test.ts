import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * Routes, services, middleware and the CLI know the store only as a `Corpus` (server/store/corpus.ts),
 * which a data folder and PostgreSQL both implement. So outside server/store/:
 * - no call of the data folder's deprecated synchronous `list()` / `get()` (they assume every
 *   document is at hand; `get()` reads a file synchronously) nor of its file-moving
 *   `restore(file)`: reads go through `getDocument`, `summaries()`, `summary(id)`, `listPage`...,
 *   the trash through `moveToTrash` / `restoreFromTrash` / `trash`;
 * - no use of its folders (`store.dataDir`, `store.documentsDir`) outside server/cli/ (which opens a
 *   data folder): the small states come from `store.states`, the statement index from
 *   `store.statementIndex`;
 * - no import of the concrete `DocumentStore` outside server/cli/ and server/main.ts (which open one).
 * The allow-list of call sites not moved yet is empty, and stays empty.
 */
const NOT_MOVED_YET: Record<string, number> = {};

const DEPRECATED_CALL = /\b(?:store|deps\.store)\s*\.\s*(?:list|get|restore)\s*\(/g;
const FOLDER_USE = /\b(?:store|deps\.store)\s*\.\s*(?:dataDir|documentsDir)\b/g;
const CONCRETE_STORE = /\bimport\s+(?:type\s+)?\{[^}]*\bDocumentStore\b[^}]*\}\s+from\s+'[^']*document-store\.js'/g;

async function sourcesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourcesUnder(full)));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** Every server source outside server/store/ with how often `pattern` occurs in it (files where it does not are left out). */
async function occurrences(pattern: RegExp, alsoSkip: (path: string) => boolean = () => false): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const file of await sourcesUnder('server')) {
    const path = relative('.', file).split('\\').join('/');
    if (path.startsWith('server/store/') || alsoSkip(path)) continue;
    const n = (await readFile(file, 'utf8')).match(pattern)?.length ?? 0;
    if (n) counts[path] = n;
  }
  return counts;
}

const opensADataFolder = (path: string) => path.startsWith('server/cli/') || path === 'server/main.ts';

describe('no corpus reads outside the store', () => {
  test('when the server sources are searched, then no file outside server/store calls the deprecated list()/get()/restore(file)', async () => {
    const over = Object.entries(await occurrences(DEPRECATED_CALL))
      .filter(([path, n]) => n > (NOT_MOVED_YET[path] ?? 0))
      .map(([path, n]) => `${path}: ${n} call(s) of store.list()/store.get()/store.restore()`);
    expect(over).toEqual([]);
  });

  test('when the server sources are searched, then the list of call sites not moved yet is empty', () => {
    expect(NOT_MOVED_YET).toEqual({});
  });

  test('when the server sources are searched, then no route, service or middleware uses the store\'s folders (dataDir, documentsDir)', async () => {
    expect(await occurrences(FOLDER_USE, (path) => path.startsWith('server/cli/'))).toEqual({});
  });

  test('when the server sources are searched, then only the CLI and main.ts import the concrete DocumentStore', async () => {
    expect(await occurrences(CONCRETE_STORE, opensADataFolder)).toEqual({});
  });

  test('when a file calls store.get(, store.list( or store.restore(, or reads store.dataDir, then the search finds it (the patterns are not blind)', () => {
    const calls = 'const a = store.list();\nconst b = this.store.get(id);\nconst c = deps.store\n  .get(x);\nconst d = cache.get(id);\nawait store.restore(file);\nconst e = store.getDocument(id);';
    expect(calls.match(DEPRECATED_CALL)).toHaveLength(4);
    const folders = 'open(store.dataDir);\njoin(this.store.documentsDir, name);\nstore.dataDirectory;\nusers.dataDir;';
    expect(folders.match(FOLDER_USE)).toHaveLength(2);
    const imports = "import type { DocumentStore } from '../store/document-store.js';\nimport { DocumentIdTaken, DocumentStore } from './store/document-store.js';\nimport { DocumentIdTaken } from '../store/document-store.js';";
    expect(imports.match(CONCRETE_STORE)).toHaveLength(2);
  });
});
