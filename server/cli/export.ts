/**
 * `npm run export -- --format FORMAT [--out FILE] [--archive tar|zip] [--comments]
 * [--document ID,...] [--outlet NAME,...] [--type TYPE,...] [--annotator NAME,...]
 * [--state exact,moved,fuzzy,orphaned] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--base-url URL]`.
 * `--base-url` (default http://localhost:PORT) makes ClaimReview's `url`s absolute.
 * Reads PostgreSQL when DATABASE_URL is set (beside the app servers), otherwise DATA_DIR (default
 * ./data); writes to FILE, or to standard output without --out or with `--out -`.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openCorpus } from '../store/open-corpus.js';
import { EXPORT_FORMATS, exportOptionsOf, exportQuerySchema, exportStream } from '../services/export.js';

const USAGE = `usage: npm run export -- --format ${EXPORT_FORMATS.join('|')} [--out FILE] [--archive tar|zip] [--comments] [--document ID,...] [--outlet NAME,...] [--type TYPE,...] [--annotator NAME,...] [--state STATE,...] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--base-url URL]`;

async function main(): Promise<number> {
  const many = { type: 'string', multiple: true } as const;
  const { values } = parseArgs({
    options: {
      format: { type: 'string' }, out: { type: 'string' }, archive: { type: 'string' },
      document: many, outlet: many, type: many, annotator: many, state: many,
      from: { type: 'string' }, to: { type: 'string' }, 'base-url': { type: 'string' }, comments: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  const { out, help: _help, 'base-url': baseUrl, ...query } = values;
  const parsed = exportQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    process.stderr.write(`--${issue.path.join('.') || 'format'}: ${issue.message}\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig(process.env);
  // Read-only: the export can run beside a server that writes the same folder (or the same database).
  const opened = await openCorpus(process.env, { mode: 'read', applicationName: `framewise export pid ${process.pid}` });
  const toStdout = out === undefined || out === '-';
  let result: ReturnType<typeof exportStream>;
  try {
    if (baseUrl !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/i.test(baseUrl)) {
      process.stderr.write(`--base-url: must be an http:// or https:// URL\n${USAGE}\n`);
      return 2;
    }
    result = exportStream(opened.corpus, opened.project, { ...exportOptionsOf(parsed.data), baseUrl: baseUrl ?? `http://localhost:${config.port}` });
    await pipeline(result.stream, toStdout ? process.stdout : createWriteStream(out));
  } finally {
    await opened.close();
  }
  const { documents, labels, omitted } = result.report;
  process.stderr.write(`exported ${documents} documents, ${labels} labels${toStdout ? '' : ` to ${out}`}\n`);
  if (omitted.length) process.stderr.write(`left out ${omitted.length} label(s):\n${omitted.map((o) => `  ${o.documentId ? `${o.documentId} ` : ''}${o.labelId}: ${o.reason}`).join('\n')}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`export failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
