import type { Format } from './format.js';
import { jsonlFormat } from './jsonl.js';
import { csvFormat } from './csv.js';
import { w3cFormat } from './w3c.js';
import { bratFormat } from './brat.js';
import { doccanoFormat } from './doccano.js';
import { conllFormat } from './conll.js';
import { labelStudioConfigFormat, labelStudioFormat } from './label-studio.js';
import { sourceFilesFormat } from './source-files.js';
import { claimReviewFormat } from './claimreview.js';
import { answersCsvFormat } from './answers-csv.js';

/**
 * Every format, once. The export and import services, the routes, the CLI usage and the README
 * table read this list: a new format is one module and one line here.
 */
export const FORMATS: readonly Format[] = [jsonlFormat, csvFormat, answersCsvFormat, w3cFormat, bratFormat, doccanoFormat, conllFormat, labelStudioFormat, labelStudioConfigFormat, claimReviewFormat, sourceFilesFormat];

/** The format named `name`, or `null`. */
export function formatNamed(name: string): Format | null {
  return FORMATS.find((f) => f.name === name) ?? null;
}

/** Names of the formats that can be exported, in registry order. */
export function exportFormatNames(): string[] {
  return FORMATS.filter((f) => f.encode).map((f) => f.name);
}

/** Names of the formats that can be imported, in registry order. */
export function importFormatNames(): string[] {
  return FORMATS.filter((f) => f.decode).map((f) => f.name);
}

/** The README's formats table, generated from the registry (`npm run formats-table` prints it; a test keeps the README equal). */
export function formatsTable(): string {
  const rows = FORMATS.map((f) => `| \`${f.name}\` | ${f.encode ? 'yes' : '–'} | ${f.decode ? 'yes' : '–'} | \`.${f.extension}\` | ${f.description} |`);
  return ['| format | export | import | file | what it holds |', '|---|---|---|---|---|', ...rows].join('\n');
}
