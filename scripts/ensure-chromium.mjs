// Makes sure Debian's Chromium is present for the browser tests, installing it with apt-get when
// it is missing (CI starts on a clean machine). Fails loudly rather than letting browser tests skip.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.log('Chromium is missing: installing Debian\'s chromium package (about a minute)…');
  const sudo = process.getuid && process.getuid() !== 0 ? 'sudo ' : '';
  try {
    execSync(`${sudo}apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${sudo}apt-get install -y -qq chromium`, { stdio: 'inherit' });
  } catch {
    console.error(`Could not install chromium with apt-get; the browser tests need ${CHROMIUM}.`);
    process.exit(1);
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`apt-get finished but ${CHROMIUM} is still missing.`);
    process.exit(1);
  }
}
