import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * The deprecated synchronous `DocumentStore.list()` / `get()` assume every document is at hand
 * (`get()` reads a file synchronously when the document is not cached). Code outside
 * server/store/ must read through the `DocumentRepository` seam instead (listPage, getDocument,
 * findByUrl, speakerCounts...). The call sites not moved yet are listed below with how many
 * calls each file has: a new file calling them, or a file calling them more often, fails.
 * When you move a call site, lower its count here (or delete the line).
 */
const NOT_MOVED_YET: Record<string, number> = {
  // the blind-labelling speaker names of the auth middleware (req.visibleSpeakerNames is synchronous)
  'server/auth/middleware.ts': 1,
  // the speaker-name suggestions' catalogue speakers (list) and a small backlog of texts (get)
  'server/services/suggestions.ts': 2,
  'server/services/visible-speakers.ts': 2,
  'server/services/revisions.ts': 1,
  'server/services/speakers.ts': 7,
  // statuses (get: the document list's view calls them synchronously) and the overview (list, in catalogue order)
  'server/routes/assignments.ts': 2,
  // the synchronous loadDocument / loadDocumentById, still used by the editor pages, labels,
  // suggestions, adjudication and trash routes (the others use the async readDocument)
  'server/routes/documents-api.ts': 1,
  // the export page's outlet and document choices
  'server/routes/export.ts': 1,
};

/** Call sites moved onto the repository: none of these may call list()/get() again. */
const MOVED = [
  'server/services/export.ts',
  'server/services/import.ts',
  'server/cli/import.ts',
  'server/cli/import-batches.ts',
  'server/cli/export.ts',
  'server/routes/agreement.ts',
  'server/services/label-types.ts',
  'server/services/verdicts.ts',
  'server/services/trash.ts',
  'server/services/corpus-pass.ts',
  'server/services/labels.ts',
  'server/routes/answers.ts',
  'server/routes/revisions.ts',
  'server/routes/history.ts',
];

const DEPRECATED_CALL = /\b(?:store|deps\.store)\s*\.\s*(?:list|get)\s*\(/g;

async function sourcesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourcesUnder(full)));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

async function deprecatedCalls(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const file of await sourcesUnder('server')) {
    const path = relative('.', file).split('\\').join('/');
    if (path.startsWith('server/store/')) continue;
    const n = (await readFile(file, 'utf8')).match(DEPRECATED_CALL)?.length ?? 0;
    if (n) counts[path] = n;
  }
  return counts;
}

describe('no corpus reads outside the store', () => {
  test('when the server sources are searched, then no file calls the deprecated list()/get() more often than the list of call sites not moved yet allows', async () => {
    const over = Object.entries(await deprecatedCalls())
      .filter(([path, n]) => n > (NOT_MOVED_YET[path] ?? 0))
      .map(([path, n]) => `${path}: ${n} call(s) of store.list()/store.get(), allowed ${NOT_MOVED_YET[path] ?? 0}`);
    expect(over).toEqual([]);
  });

  test('when the moved call sites are searched, then none of them calls list()/get()', async () => {
    const calls = await deprecatedCalls();
    expect(MOVED.filter((path) => calls[path])).toEqual([]);
  });

  test('when a file calls store.get( or store.list(, then the search finds it (the pattern is not blind)', () => {
    const sample = 'const a = store.list();\nconst b = this.store.get(id);\nconst c = deps.store\n  .get(x);\nconst d = cache.get(id);';
    expect(sample.match(DEPRECATED_CALL)).toHaveLength(3);
  });
});
