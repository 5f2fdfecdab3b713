// Makes sure what the test suite needs from Debian is present, installing it with apt-get when it
// is missing (CI starts on a clean machine): Chromium for the browser tests and PostgreSQL for the
// PostgreSQL backend's tests. Fails loudly rather than letting those tests skip.
import { existsSync, readdirSync } from 'node:fs';
import { execSync } from 'node:child_process';

const CHROMIUM = '/usr/bin/chromium';

/** The newest installed PostgreSQL server's bin folder, or null. */
function postgresBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(`${root}/${v}/bin/initdb`)).sort((a, b) => Number(b) - Number(a));
  return versions.length ? `${root}/${versions[0]}/bin` : null;
}

const missing = [];
if (!existsSync(CHROMIUM)) missing.push('chromium');
if (!postgresBin()) missing.push('postgresql');

if (missing.length) {
  console.log(`Installing Debian's ${missing.join(' and ')} for the tests (a minute or two)…`);
  const sudo = process.getuid && process.getuid() !== 0 ? 'sudo ' : '';
  try {
    execSync(`${sudo}apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${sudo}apt-get install -y -qq ${missing.join(' ')}`, { stdio: 'inherit' });
  } catch {
    console.error(`Could not install ${missing.join(' and ')} with apt-get; the browser and PostgreSQL tests need them.`);
    process.exit(1);
  }
}
if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is still missing.`);
  process.exit(1);
}
if (!postgresBin()) {
  console.error('PostgreSQL (initdb under /usr/lib/postgresql/*/bin) is still missing.');
  process.exit(1);
}
