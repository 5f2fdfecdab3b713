/** Dev helper: `tsx scripts/screenshot.ts URL out.png [width] [height]` with Debian's headless Chromium. */
import { chromium } from 'playwright-core';

const [url, out, width = '1400', height = '1000'] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) } });
await page.goto(url);
await page.screenshot({ path: out, fullPage: false });
await browser.close();
