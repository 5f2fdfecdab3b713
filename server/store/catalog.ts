import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { latestRevision, type DocumentRecord } from '../domain/types.js';
import type { DocumentStatus, DocumentSummary } from './repository.js';
import { AtomicJSONFile } from './atomic-json-file.js';

/** What the catalogue knows of a document file, to tell at start whether it changed since. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

interface CatalogRow {
  /** The document as it is in memory (changes waiting for their write included). */
  summary: DocumentSummary;
  /** The document as its file holds it, with the file's stamp; `null` until its first write. */
  saved: { summary: DocumentSummary; stamp: FileStamp } | null;
}

const VERSION = 1;
/** The log is folded into catalog.json when it grows past this many lines (and at every start). */
const COMPACT_AFTER_LINES = 20_000;

/** The summary the catalogue keeps of `doc`. */
export function summarize(doc: DocumentRecord): DocumentSummary {
  const reviewCount = doc.labels.filter((l) => l.anchor.state === 'fuzzy' || l.anchor.state === 'orphaned').length;
  const status: DocumentStatus = doc.labels.length === 0 ? 'unlabelled' : reviewCount > 0 ? 'needs-review' : 'labelled';
  return {
    id: doc.id,
    title: doc.meta.title,
    ...(doc.meta.outlet !== undefined ? { outlet: doc.meta.outlet } : {}),
    ...(doc.meta.publishedAt !== undefined ? { publishedAt: doc.meta.publishedAt } : {}),
    ...(doc.meta.url !== undefined ? { url: doc.meta.url } : {}),
    rev: latestRevision(doc).rev,
    labelCount: doc.labels.length,
    reviewCount,
    status,
    speakers: [...new Set(doc.labels.map((l) => l.speaker).filter((s): s is string => !!s))],
  };
}

/**
 * The compact catalogue: one summary per document in memory, kept in `<dataDir>/catalog.json`
 * plus `<dataDir>/catalog.log` (one JSON line appended per document write, folded in at start).
 * With each summary goes the size and modification time of the document file it was made from;
 * at start, only the files whose size or time differ are read again (see DocumentStore.open).
 */
export class Catalog {
  private readonly rows = new Map<string, CatalogRow>();
  /** `meta.url` -> ids of the documents with that URL (as in memory), so finding by URL reads no other row. */
  private readonly byUrl = new Map<string, Set<string>>();
  private logLines = 0;
  private appending: Promise<void> = Promise.resolve();
  /**
   * Summaries by document object: the store summarises the same object when it changes in memory
   * (`set`) and again when its write is done (`written`), and never changes a stored document in
   * place; at 20,000 labels each summary is a walk over them.
   */
  private readonly summarized = new WeakMap<DocumentRecord, DocumentSummary>();

  private constructor(
    private readonly dataDir: string,
    private readonly persist: boolean,
  ) {}

  get file(): string {
    return join(this.dataDir, 'catalog.json');
  }

  get logFile(): string {
    return join(this.dataDir, 'catalog.log');
  }

  /**
   * Reads catalog.json and catalog.log. A damaged or missing catalogue is not an error: it comes
   * back empty (with the reason in `problem`), and every document file is then read again.
   */
  static async read(dataDir: string, persist: boolean): Promise<{ catalog: Catalog; problem: string | null; logLines: number }> {
    const catalog = new Catalog(dataDir, persist);
    let problem: string | null = null;
    let logLines = 0;
    try {
      const raw = JSON.parse(await readFile(catalog.file, 'utf8')) as { version?: number; rows?: unknown };
      if (raw.version !== VERSION || !Array.isArray(raw.rows)) throw new Error(`unknown catalogue version or shape`);
      for (const row of raw.rows as unknown[]) catalog.take(row);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      catalog.clearRows();
      // Missing is how a new data folder starts: the files not in the catalogue are read anyway.
      if (code !== 'ENOENT') problem = `catalog.json is damaged (${(err as Error).message})`;
    }
    if (problem === null) {
      const log = await readFile(catalog.logFile, 'utf8').catch(() => '');
      for (const line of log.split('\n')) {
        if (!line) continue;
        logLines++;
        try {
          const entry = JSON.parse(line) as { id?: string; deleted?: boolean };
          if (entry.deleted && typeof entry.id === 'string') catalog.drop(entry.id);
          else catalog.take(entry);
        } catch {
          // A line cut short by a crash: the document's file stamp check at start catches it.
        }
      }
    }
    return { catalog, problem, logLines };
  }

  /** Takes a row read from disk only when it has the expected shape; anything else is re-read from its file. */
  private take(row: unknown): void {
    const r = row as { summary?: DocumentSummary; stamp?: FileStamp };
    const s = r?.summary;
    if (!s || typeof s.id !== 'string' || typeof s.title !== 'string' || typeof s.rev !== 'number' || !Array.isArray(s.speakers)) return;
    if (!r.stamp || typeof r.stamp.size !== 'number' || typeof r.stamp.mtimeMs !== 'number') return;
    this.put(s.id, { summary: s, saved: { summary: s, stamp: r.stamp } });
  }

  /** Every change of `rows` goes through put, drop and clearRows, which keep `byUrl` in step. */
  private put(id: string, row: CatalogRow): void {
    this.unindex(id);
    this.rows.set(id, row);
    const url = row.summary.url;
    if (url === undefined) return;
    const ids = this.byUrl.get(url);
    if (ids) ids.add(id);
    else this.byUrl.set(url, new Set([id]));
  }

  private drop(id: string): void {
    this.unindex(id);
    this.rows.delete(id);
  }

  private clearRows(): void {
    this.rows.clear();
    this.byUrl.clear();
  }

  private unindex(id: string): void {
    const url = this.rows.get(id)?.summary.url;
    if (url === undefined) return;
    const ids = this.byUrl.get(url);
    ids?.delete(id);
    if (ids?.size === 0) this.byUrl.delete(url);
  }

  /** Ids of the documents whose `meta.url` is exactly `url`, in id order. */
  idsWithUrl(url: string): string[] {
    return [...(this.byUrl.get(url) ?? [])].sort();
  }

  has(id: string): boolean {
    return this.rows.has(id);
  }

  get(id: string): DocumentSummary | undefined {
    return this.rows.get(id)?.summary;
  }

  stampOf(id: string): FileStamp | null {
    return this.rows.get(id)?.saved?.stamp ?? null;
  }

  ids(): IterableIterator<string> {
    return this.rows.keys();
  }

  summaries(): DocumentSummary[] {
    return [...this.rows.values()].map((r) => r.summary);
  }

  get size(): number {
    return this.rows.size;
  }

  private summaryOf(doc: DocumentRecord): DocumentSummary {
    let summary = this.summarized.get(doc);
    if (!summary) {
      summary = summarize(doc);
      this.summarized.set(doc, summary);
    }
    return summary;
  }

  /** The document changed in memory; its file stamp is set once its write is done (`written`). */
  set(doc: DocumentRecord): void {
    const row = this.rows.get(doc.id);
    this.put(doc.id, { summary: this.summaryOf(doc), saved: row?.saved ?? null });
  }

  /** At start: a summary made from a file just read (no log line, the next compaction keeps it). */
  setFromFile(doc: DocumentRecord, stamp: FileStamp): void {
    const summary = summarize(doc);
    this.put(doc.id, { summary, saved: { summary, stamp } });
  }

  delete(id: string): void {
    this.drop(id);
  }

  /** Puts the rows in the order of `ids` (the documents' file names), dropping any other. */
  reorder(ids: string[]): void {
    const rows = new Map(this.rows);
    this.clearRows();
    for (const id of ids) {
      const row = rows.get(id);
      if (row) this.put(id, row);
    }
  }

  /** Records that the file of `id` now holds `doc` (with the file's new stamp), in the log. */
  async written(doc: DocumentRecord, filename: string): Promise<void> {
    const row = this.rows.get(doc.id);
    const s = await stat(filename).catch(() => null);
    if (!row || !s) return;
    row.saved = { summary: this.summaryOf(doc), stamp: { size: s.size, mtimeMs: s.mtimeMs } };
    await this.appendLog(JSON.stringify(row.saved));
  }

  /** Records that the document `id` is gone, in the log. */
  removed(id: string): Promise<void> {
    this.drop(id);
    return this.appendLog(JSON.stringify({ id, deleted: true }));
  }

  private appendLog(line: string): Promise<void> {
    if (!this.persist) return Promise.resolve();
    this.logLines++;
    const compact = this.logLines >= COMPACT_AFTER_LINES;
    this.appending = this.appending
      .then(() => (compact ? this.writeSnapshot() : appendFile(this.logFile, `${line}\n`)))
      .catch((err) => console.warn(`the catalogue could not be updated (${(err as Error).message}); it will be checked against the documents at the next start`));
    return this.appending;
  }

  /** Writes every row to catalog.json (durably, copy then rename) and empties the log, after the log lines queued so far. */
  compact(): Promise<void> {
    if (!this.persist) return Promise.resolve();
    const run = this.appending.then(() => this.writeSnapshot());
    this.appending = run.catch(() => undefined);
    return run;
  }

  private async writeSnapshot(): Promise<void> {
    this.logLines = 0;
    const rows = [...this.rows.values()].flatMap((r) => (r.saved ? [r.saved] : []));
    await new AtomicJSONFile<unknown>(this.file).write({ version: VERSION, rows });
    await writeFile(this.logFile, '');
  }

  /** Resolves once every log line asked for so far is written. */
  flush(): Promise<void> {
    return this.appending;
  }
}
