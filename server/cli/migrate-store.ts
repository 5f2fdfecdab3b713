/**
 * `npm run migrate-store -- --from data/ --to postgres://USER@HOST/DB` and back
 * (`--from postgres://… --to data/`): copies every document, and the project's other data files
 * (project.json, users.json, team.json, speakers.json, answers.json, seeded.json, as they exist) and the trash, from one
 * storage backend to the other. The target must hold no documents yet. Stop the app servers first:
 * the copy is a snapshot of the source as it is read.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { copyStore, describeEnd, type StoreEnd } from '../store/postgres/copy-store.js';

const USAGE = 'usage: npm run migrate-store -- --from DATA_DIR|postgres://… --to DATA_DIR|postgres://…';

export async function main(argv: string[], out: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  let values: { from?: string; to?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    out(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (!values.from || !values.to) {
    out(`--from and --to are both needed\n${USAGE}`);
    return 2;
  }
  const from = endOf(values.from);
  const to = endOf(values.to);
  if (from.kind === to.kind) {
    out(`--from and --to are both ${from.kind === 'postgres' ? 'PostgreSQL databases' : 'data folders'}; migrate-store copies between a data folder and PostgreSQL\n${USAGE}`);
    return 2;
  }
  const report = await copyStore(from, to, out);
  out(`copied ${report.documents} documents from ${describeEnd(from)} to ${describeEnd(to)}, each read back and compared`);
  if (report.trashed) out(`copied ${report.trashed} documents in the trash, with who deleted them and when, each read back and compared`);
  out(report.files.length ? `copied data files: ${report.files.join(', ')}` : 'no project.json, users.json, team.json, speakers.json, answers.json or seeded.json to copy');
  for (const note of report.notes) out(note);
  return 0;
}

function endOf(value: string): StoreEnd {
  return /^postgres(ql)?:\/\//i.test(value) ? { kind: 'postgres', url: value } : { kind: 'lowdb', dir: value };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`migrate-store failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
