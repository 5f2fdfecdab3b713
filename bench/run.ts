/** `npm run bench`: runs every benchmark in its own process, one after the other. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const BENCHMARKS = ['reanchor', 'export', 'compare', 'store', 'suggestions', 'scale', 'pg'];
let failed = false;
for (const name of BENCHMARKS) {
  const file = `bench/${name}.ts`;
  if (!existsSync(file)) continue;
  console.log(`\n== ${name} ==`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file], { stdio: 'inherit' });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
