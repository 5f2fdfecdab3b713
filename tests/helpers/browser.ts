import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { startTestApp, TEST_PASSWORD } from './app.js';
import type { Express } from 'express';
import type { Role } from '../../server/auth/roles.js';

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

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

export interface BrowserSessionOptions {
  /** Load the seed documents into the app's fresh data folder. */
  seeds?: boolean;
  /** Accounts to create (password TEST_PASSWORD) before anything else; `t.as(name)` then returns their client. */
  users?: Record<string, Role>;
  /** Data to add through the API once the users exist and before the page opens. */
  seed?: (t: TestApp) => Promise<void>;
  /** The page's viewport in CSS pixels; 1280 × 900 unless given. */
  viewport?: { width: number; height: number };
  /** Further options of the page's own browser context (touch, mobile...). */
  context?: BrowserContextOptions;
  /** Who the page signs in as through the /login form: 'admin' unless given; null leaves it signed out. */
  signInAs?: string | null;
}

export interface BrowserSession {
  browser: Browser;
  /** The app over its temporary data folder (see startTestApp). */
  t: TestApp;
  /** The app's base URL on a free loopback port. */
  base: string;
  /** A page in a new context of `browser`; an error thrown on it fails the test. */
  page: Page;
  /** Closes the page's context, stops the server and removes the data folder. */
  close: () => Promise<void>;
}

/**
 * A real app (see startTestApp) served on a free port, with `options.users` and `options.seed` added,
 * and a page of `browser` signed in as `options.signInAs`.
 */
export async function startBrowserSession(browser: Browser, options: BrowserSessionOptions = {}): Promise<BrowserSession> {
  const t = await startTestApp({ seeds: options.seeds });
  const server = await listen(t.app);
  for (const [name, role] of Object.entries(options.users ?? {})) await t.as(name, role);
  await options.seed?.(t);
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 }, ...options.context });
  const page = await context.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  const who = options.signInAs === undefined ? 'admin' : options.signInAs;
  if (who !== null) await signIn(page, server.base, { username: who, password: TEST_PASSWORD });
  return {
    browser,
    t,
    base: server.base,
    page,
    close: async () => {
      await context.close();
      await server.close();
      await t.cleanup();
    },
  };
}
