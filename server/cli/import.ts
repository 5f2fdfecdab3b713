/**
 * Bulk import: `npm run import -- <folder or file>... [--format FORMAT] [--map theirs=ours,...]
 * [--annotator NAME] [--skip-bad] [--dry-run]` (the formats come from the format registry). Writes
 * into PostgreSQL when DATABASE_URL is set (the database the app servers share: it may run while they
 * do, each document written in its own transaction), otherwise into DATA_DIR (default ./data), whose
 * lock it takes, so it refuses to run while a server uses the folder. `--dry-run` prints what the
 * import would do and writes nothing.
 * JSONL (and doccano) files are read line by line and imported BATCH_LINES lines at a time, and the
 * store is opened with a bounded cache and no search index, so neither the file nor the existing
 * corpus is ever held whole. Without `--skip-bad` every batch is checked before the first is written.
 * On PostgreSQL each batch is planned after catching up with what the servers wrote meanwhile.
 */
import { parseArgs } from 'node:util';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { CorpusLockedError, openCorpus, type OpenedCorpus } from '../store/open-corpus.js';
import { importFiles, IMPORT_FORMATS, parseTypeMap, type ImportFormat, type ImportOptions } from '../services/import.js';
import { emptyImportReport, placeOf, type ImportReport } from '../domain/formats/report.js';
import { addReport, batchesOf, filesUnder, guessFormat, written, type Batch } from './import-batches.js';
import { HttpError } from '../http-error.js';
import { cleanName } from '../domain/reviewer-name.js';

const USAGE = `usage: npm run import -- <folder or file>... [--format ${IMPORT_FORMATS.join('|')}] [--map theirs=ours,...] [--annotator NAME] [--skip-bad] [--dry-run]`;

export function summary(report: ImportReport): string {
  const counts = `${report.documents.imported} new documents, ${report.documents.revised} revised, ${report.documents.unchanged} unchanged, ${report.labels.imported} labels (${report.labels.existing} already there)`;
  const lines = [
    report.committed
      ? `imported: ${counts}`
      : report.dryRun && !report.errors.length
        ? `dry run, nothing written; the import would bring: ${counts}`
        : `nothing imported: ${report.errors.length} error(s)${report.errors.length ? ' (use --skip-bad to import the rest)' : ''}`,
  ];
  if (report.typesAdded.length) lines.push(`label types ${report.dryRun ? 'it would add' : 'added'}: ${report.typesAdded.join(', ')}`);
  const mapped = report.types.filter((t) => t.name !== t.type || t.how === 'mapped');
  if (mapped.length) lines.push(`label types mapped or matched: ${mapped.map((t) => `${t.name} -> ${t.type}`).join(', ')}`);
  if (report.skipped.length) lines.push(`skipped: ${report.skipped.length}`, ...report.skipped.map((s) => `  ${placeOf(s)}: ${s.item}: ${s.reason}`));
  if (report.errors.length) lines.push(`failed: ${report.errors.length}`, ...report.errors.map((e) => `  ${placeOf(e)}: ${e.message}`));
  if (report.notes.length) lines.push(`notes: ${report.notes.length}`, ...report.notes.map((n) => `  ${n}`));
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { format: { type: 'string' }, map: { type: 'string' }, annotator: { type: 'string' }, 'skip-bad': { type: 'boolean' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (values.format && !(IMPORT_FORMATS as readonly string[]).includes(values.format)) {
    process.stderr.write(`--format must be one of ${IMPORT_FORMATS.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const files = (await Promise.all(positionals.map(filesUnder))).flat();
  const format = (values.format as ImportFormat | undefined) ?? guessFormat(files);
  // A data folder: the import writes document files itself, so it must be the folder's only writer,
  // like the server. No search index and a bounded cache: the import reads only the documents it meets.
  let opened: OpenedCorpus;
  try {
    opened = await openCorpus(process.env, { mode: 'write', searchIndex: 'lazy', applicationName: `framewise import pid ${process.pid}` });
  } catch (err) {
    if (!(err instanceof CorpusLockedError)) throw err;
    process.stderr.write(`import refused: ${err.message} While the server runs, import through it: the /import page or POST /api/import.\n`);
    return 1;
  }
  const { corpus: store, project } = opened;
  try {
    process.stderr.write(`importing ${files.length} file(s) as ${format} into ${opened.where}\n`);
    const skipBad = values['skip-bad'] ?? false;
    const dryRun = values['dry-run'] ?? false;
    const base = { format, annotator: cleanName(values.annotator ?? '') || cleanName(process.env.USER ?? '') || 'import', skipBad, map: parseTypeMap(values.map) };
    const report = emptyImportReport(format);
    // Without --skip-bad the import is all or nothing: every batch is checked (a dry run) before any is written.
    if (dryRun || !skipBad) {
      report.dryRun = true;
      for await (const batch of batchesOf(files, format)) addReport(report, await importBatch(store, project, batch, { ...base, dryRun: true }), batch);
      if (dryRun || report.errors.length) return finish(report);
    }
    const checked = dryRun || !skipBad ? written(report) : null;
    const done = emptyImportReport(format);
    for await (const batch of batchesOf(files, format)) {
      const offset = written(done);
      const part = await importBatch(store, project, batch, {
        ...base,
        onProgress: (n, total, id) => process.stderr.write(`[${offset + n}/${checked ?? offset + total}] ${id}\n`),
      });
      addReport(done, part, batch);
      if (!part.committed && part.errors.length) return finish(done);
      if (part.committed) done.committed = true;
    }
    if (!done.committed && done.skipped.length) {
      const first = done.skipped.slice(0, 10).map((x) => `${placeOf(x)} (${x.reason})`).join('; ');
      throw new HttpError(400, 'nothing_to_import', `nothing to import as ${format}: skipped ${first}${done.skipped.length > 10 ? `, and ${done.skipped.length - 10} more` : ''}`);
    }
    return finish(done);
  } finally {
    await opened.close();
  }
}

/** One batch through the import service; a batch whose records were all skipped counts as skipped, not as a failure. */
async function importBatch(store: Corpus, project: ProjectStore, batch: Batch, options: ImportOptions): Promise<ImportReport> {
  // On a shared database: plan against what the servers wrote up to now (a no-op for a data folder).
  await store.refresh();
  try {
    return await importFiles(store, project, batch.files, options);
  } catch (err) {
    if (err instanceof HttpError && err.code === 'nothing_to_import' && err.details && options.skipBad) return err.details as ImportReport;
    throw err;
  }
}

function finish(report: ImportReport): number {
  process.stdout.write(summary(report));
  return report.committed || (report.dryRun && !report.errors.length) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`import failed: ${err instanceof HttpError || err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
