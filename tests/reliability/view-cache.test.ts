/**
 * Page templates are compiled once per process (express's `view cache`, which ejs keeps by file
 * name); `NODE_ENV=development` (`npm run dev`) compiles them on each render.
 */
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { loadConfig } from '../../server/config.js';
import { startTestApp } from '../helpers/app.js';
import { createApp } from '../../server/app.js';
import supertest from 'supertest';

const LOGIN_TEMPLATE = resolve('views/auth/login.ejs');
// The instance express loads (ejs ships a CommonJS and an ES module build, each with its own cache).
const ejs = createRequire(import.meta.url)('ejs') as { cache: { get(key: string): unknown }; clearCache(): void };

describe('compiled page templates', () => {
  test('when NODE_ENV is development, then templates are compiled on each render; otherwise they are kept', () => {
    expect(loadConfig({}).viewCache).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).viewCache).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).viewCache).toBe(false);
  });

  test('when a page is rendered, then its compiled template is kept for the next render, unless the app was made with viewCache false', async () => {
    const t = await startTestApp();
    try {
      ejs.clearCache();
      const first = await t.anonymous.get('/login').expect(200);
      const kept = ejs.cache.get(LOGIN_TEMPLATE);
      expect(typeof kept).toBe('function');
      const second = await t.anonymous.get('/login').expect(200);
      expect(ejs.cache.get(LOGIN_TEMPLATE)).toBe(kept);
      expect(second.text.replace(/name="_csrf" value="[^"]*"/g, '')).toBe(first.text.replace(/name="_csrf" value="[^"]*"/g, ''));

      ejs.clearCache();
      const dev = createApp({ store: t.store, project: t.project, users: t.users, team: t.team, viewCache: false });
      await supertest(dev).get('/login').expect(200);
      expect(ejs.cache.get(LOGIN_TEMPLATE)).toBeUndefined();
    } finally {
      await t.cleanup();
    }
  });
});
