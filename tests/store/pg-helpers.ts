import pg from 'pg';
import { createDocument } from '../../server/domain/documents.js';
import type { DocumentRecord, Label } from '../../server/domain/types.js';
import { openPostgresStore, type PostgresStore } from '../../server/store/postgres/index.js';

export const NOW = '2026-01-02T03:04:05.000Z';

export function pgDoc(id: string, text = `Text of ${id}.`, meta: Partial<DocumentRecord['meta']> = {}): DocumentRecord {
  return createDocument({ id, body: text, format: 'text', meta: { title: `Title ${id}`, ...meta }, author: 'tester', now: NOW });
}

/** A label over the first `end` characters of revision 1, with a recognisable id. */
export function labelOn(doc: DocumentRecord, id: string, end = 4): Label {
  const text = doc.revisions[0].text;
  return {
    id, type: 'direct-quote', start: 0, end, rev: 1,
    quote: { exact: text.slice(0, end), prefix: '', suffix: text.slice(end, end + 32) },
    annotator: 'tester', createdAt: NOW, updatedAt: NOW, anchor: { state: 'exact', method: 'created', fromRev: 1 },
  };
}

/** One "app server": its own pool, its own repository and change feed, quiet logs. */
export function server(url: string, name: string): Promise<PostgresStore> {
  return openPostgresStore(url, { applicationName: name, max: 4, log: () => {} });
}

/** A plain client for the test's own SQL (locks, inspections, kills). */
export async function sql(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: 'test-inspector' });
  c.on('error', () => {});
  await c.connect();
  return c;
}

/** Resolves with the first id `repo` reports through onChange that satisfies `want`. */
export function nextChange(store: PostgresStore, want: (id: string) => boolean = () => true): Promise<string> {
  return new Promise((resolve) => {
    const off = store.documents.onChange((id) => {
      if (!want(id)) return;
      off();
      resolve(id);
    });
  });
}
