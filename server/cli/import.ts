/**
 * Bulk import: `npm run import -- <folder or file>... [--format FORMAT] [--map theirs=ours,...]
 * [--annotator NAME] [--skip-bad] [--dry-run]` (the formats come from the format registry). Writes
 * into DATA_DIR (default ./data); it takes the data folder's lock, so it refuses to run while a
 * server uses the folder. `--dry-run` prints what the import would do and writes nothing.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, basename } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { DocumentStore } from '../store/document-store.js';
import { ProjectStore } from '../store/project-store.js';
import { importFiles, IMPORT_FORMATS, parseTypeMap, type ImportFormat } from '../services/import.js';
import { placeOf, type ImportReport } from '../domain/formats/report.js';
import type { NamedFile } from '../domain/formats/archive.js';
import { HttpError } from '../http-error.js';
import { lockDataDirForProcess } from '../store/lock.js';
import { cleanName } from '../domain/reviewer-name.js';

const USAGE = `usage: npm run import -- <folder or file>... [--format ${IMPORT_FORMATS.join('|')}] [--map theirs=ours,...] [--annotator NAME] [--skip-bad] [--dry-run]`;

async function filesUnder(path: string): Promise<NamedFile[]> {
  if (!(await stat(path)).isDirectory()) return [{ name: basename(path), content: await readFile(path) }];
  const out: NamedFile[] = [];
  const walk = async (dir: string) => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push({ name: relative(path, full).split('\\').join('/'), content: await readFile(full) });
    }
  };
  await walk(path);
  return out;
}

/** jsonl for .jsonl/.json files, brat for archives and folders with .ann files, otherwise text/Markdown/HTML files. */
function guessFormat(files: NamedFile[]): ImportFormat {
  if (files.some((f) => /\.(ann|tar|tgz|tar\.gz|zip)$/i.test(f.name))) return 'brat';
  if (files.length > 0 && files.every((f) => /\.(jsonl|ndjson|json)$/i.test(f.name))) return 'jsonl';
  return 'files';
}

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
  const config = loadConfig(process.env);
  // The import writes document files itself, so it must be the folder's only writer, like the server.
  const locked = await lockDataDirForProcess(config.dataDir);
  if ('refused' in locked) {
    process.stderr.write(`import refused: ${locked.refused} While the server runs, import through it: the /import page or POST /api/import.\n`);
    return 1;
  }
  const store = await DocumentStore.open(config.dataDir);
  const project = await ProjectStore.open(config.dataDir);
  process.stderr.write(`importing ${files.length} file(s) as ${format} into ${config.dataDir}\n`);
  const report = await importFiles(store, project, files, {
    format,
    annotator: cleanName(values.annotator ?? '') || cleanName(process.env.USER ?? '') || 'import',
    skipBad: values['skip-bad'] ?? false,
    dryRun: values['dry-run'] ?? false,
    map: parseTypeMap(values.map),
    onProgress: (done, total, id) => process.stderr.write(`[${done}/${total}] ${id}\n`),
  });
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
