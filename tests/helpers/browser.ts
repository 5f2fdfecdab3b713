import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_PASSWORD } from './app.js';
import type { Express } from 'express';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's Chromium, headless. Throws (never skips) when it is missing: `npm test` installs it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`npm test\`, which installs Debian's chromium package`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Serves the app on a free loopback port; resolves to its base URL and a close function. */
export async function listen(app: Express): Promise<{ base: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/**
 * Signs `page` in through the real /login form (default: the test admin), and waits until the
 * browser is back on the site, signed in.
 */
export async function signIn(page: Page, baseUrl: string, user: { username: string; password: string } = { username: 'admin', password: TEST_PASSWORD }): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name="username"]', user.username);
  await page.fill('input[name="password"]', user.password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('form[action="/login"] button[type="submit"]')]);
}
