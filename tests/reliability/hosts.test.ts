import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig } from '../../server/config.js';
import { startTestApp, tempDataDir } from '../helpers/app.js';
import { killHard, startServer, type ServerProcess } from './server-process.js';

/** A GET of the public /healthz with an arbitrary Host header (fetch does not let a caller choose it). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(`${url}/healthz`, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('HOST and ALLOWED_HOSTS', () => {
  it('when nothing is set, then the server listens on 127.0.0.1 and answers only the loopback names', () => {
    const config = loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });

  it('when HOST and ALLOWED_HOSTS are set, then both are allowed, lower-cased and without duplicates', () => {
    const config = loadConfig({ HOST: '0.0.0.0', ALLOWED_HOSTS: 'Framewise.Example, 10.0.0.5,localhost' });
    expect(config.host).toBe('0.0.0.0');
    expect(config.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]', '0.0.0.0', 'framewise.example', '10.0.0.5']);
  });

  it('when ALLOWED_HOSTS holds a port or a path, then the configuration is refused with the value', () => {
    expect(() => loadConfig({ ALLOWED_HOSTS: 'framewise.example:3000' })).toThrow('ALLOWED_HOSTS must be host names separated by commas, without ports (for example "framewise.example,10.0.0.5"), not "framewise.example:3000"');
    expect(() => loadConfig({ HOST: 'local host' })).toThrow('HOST must be an interface address or host name');
  });

  describe('the app', () => {
    let t: Awaited<ReturnType<typeof startTestApp>>;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.cleanup());

    it('when the Host header names another site (DNS rebinding), then the request gets a 400 naming the host', async () => {
      const res = await t.http.get('/api/documents').set('Host', 'evil.example:3000');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('host_not_allowed');
      expect(res.body.error.message).toBe('this server does not answer to the host "evil.example" (from the Host header); allowed: localhost, 127.0.0.1, [::1]. Set ALLOWED_HOSTS to add a name');
    });

    it('when an HTML page is asked for with a foreign Host, then it is refused too and nothing is written', async () => {
      const page = await t.http.get('/').set('Host', 'evil.example');
      expect(page.status).toBe(400);
      expect(page.text).toContain('does not answer to the host &#34;evil.example&#34;');
      const create = await t.http.post('/api/documents').set('Host', 'evil.example').send({ title: 'x', text: 'Some text.' });
      expect(create.status).toBe(400);
      expect((await t.http.get('/api/documents')).body).toEqual([]);
    });

    it.each(['localhost:3000', 'LOCALHOST', '127.0.0.1:8080', '[::1]:3000', '[::1]'])('when the Host header is %s, then the request is served', async (host) => {
      expect((await t.http.get('/api/documents').set('Host', host)).status).toBe(200);
    });
  });

  describe('a real server', () => {
    let dataDir: string;
    let server: ServerProcess | undefined;
    beforeAll(async () => {
      dataDir = await tempDataDir();
    });
    afterAll(async () => {
      if (server) await killHard(server);
      await rm(dataDir, { recursive: true, force: true });
    });

    it('when started without HOST, then it listens on 127.0.0.1 and refuses a rebinding Host with 400', async () => {
      const started = await startServer(dataDir);
      server = started.server;
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.output()).toContain('(listening on 127.0.0.1;');
      const evil = await getWithHost(started.url, 'evil.example');
      expect(evil.status).toBe(400);
      expect(evil.body).toContain('this server does not answer to the host &#34;evil.example&#34;');
      expect((await getWithHost(started.url, `localhost:${new URL(started.url).port}`)).status).toBe(200);
    });
  });
});

describe('process guard', () => {
  it('when an exception and a rejection escape every handler, then both are logged and the process keeps running', async () => {
    const script = `
      import { installProcessGuard } from ${JSON.stringify(resolve('server/process-guard.ts'))};
      installProcessGuard();
      setTimeout(() => { throw new Error('thrown from a timer'); }, 1);
      Promise.reject(new Error('rejected and never awaited'));
      setTimeout(() => { console.log('still serving'); process.exit(0); }, 100);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const code = await new Promise((done) => child.on('exit', done));
    expect(out).toContain('uncaught exception (uncaughtException; the server keeps serving): Error: thrown from a timer');
    expect(out).toContain('unhandled promise rejection (the server keeps serving): Error: rejected and never awaited');
    expect(out).toContain('still serving');
    expect(code).toBe(0);
  });

  it('when uncaught exceptions keep coming, then the process exits with 70 after the limit', async () => {
    const script = `
      import { installProcessGuard } from ${JSON.stringify(resolve('server/process-guard.ts'))};
      installProcessGuard({ maxPerMinute: 3 });
      for (let i = 0; i < 5; i++) setTimeout(() => { throw new Error('again ' + i); }, 1 + i);
      setTimeout(() => process.exit(0), 500);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d));
    expect(await new Promise((done) => child.on('exit', done))).toBe(70);
    expect(out).toContain('4 uncaught exceptions within a minute: exiting so that a clean restart can take over');
  });
});
