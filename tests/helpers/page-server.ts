import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { FIXTURES_DIR } from './app.js';

const ARTICLES = join(FIXTURES_DIR, 'articles');

export interface PageServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** `127.0.0.1:<port>` */
  host: string;
  /** Stops the server and turns private fetches off again. */
  close: () => Promise<void>;
}

/**
 * A local site on 127.0.0.1 serving the saved pages of tests/fixtures/articles by file name, plus
 * routes that misbehave: /slow never answers, /json is not HTML, /big is 6 MB, /loop… redirects
 * forever, /moved redirects to /news-site.html. Sets ALLOW_PRIVATE_FETCH=1 so the app may fetch it.
 */
export async function startPageServer(): Promise<PageServer> {
  const server = createServer(async (req, res) => {
    const path = req.url ?? '/';
    if (path === '/slow') return; // never answers
    if (path === '/json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}');
    if (path === '/big') return void res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body>${'x'.repeat(6 * 1024 * 1024)}</body></html>`);
    if (path.startsWith('/loop')) return void res.writeHead(302, { location: `/loop${path.length}` }).end();
    if (path === '/moved') return void res.writeHead(301, { location: '/news-site.html' }).end();
    try {
      const html = await readFile(join(ARTICLES, path.slice(1)), 'utf8');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.ALLOW_PRIVATE_FETCH = '1';
  return {
    base: `http://${host}`,
    host,
    close: async () => {
      delete process.env.ALLOW_PRIVATE_FETCH;
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}
