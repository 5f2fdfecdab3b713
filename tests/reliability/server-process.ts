import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { prng } from '../helpers/prng.js';

/** A real Framewise server (`server/main.ts`) running as a child process over a DATA_DIR. */
export interface ServerProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
}

const MAIN = resolve('server/main.ts');
/** The first admin's password of every server started here (ADMIN_PASSWORD). */
export const SERVER_ADMIN_PASSWORD = 'reliability tests admin';

/** Headers of the admin signed in on a running server: the session cookie and its CSRF token. */
export async function adminHeaders(url: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: SERVER_ADMIN_PASSWORD }) });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], 'x-csrf-token': csrfToken };
}

/** Spawns the server with PORT=0; does not wait for it to listen. */
export function spawnServer(dataDir: string): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', NODE_OPTIONS: '', ADMIN_PASSWORD: SERVER_ADMIN_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal ?? 'unknown')));
  return { child, exited, output: () => out };
}

/** Resolves with the base URL once the server says it listens; rejects with its output if it exits first. */
export function whenListening(server: ServerProcess, timeoutMs = 20000): Promise<string> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start in ${timeoutMs} ms:\n${server.output()}`)), timeoutMs);
    const check = () => {
      const m = /Framewise on (http:\/\/\S+:\d+)/.exec(server.output());
      if (m) {
        clearTimeout(timer);
        server.child.stdout!.off('data', check);
        done(m[1]);
      }
    };
    server.child.stdout!.on('data', check);
    void server.exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`server exited (${code}) before listening:\n${server.output()}`));
    });
    check();
  });
}

/** Starts a server and waits until it listens. */
export async function startServer(dataDir: string): Promise<{ server: ServerProcess; url: string }> {
  const server = spawnServer(dataDir);
  return { server, url: await whenListening(server) };
}

/** SIGKILLs the server (no chance to clean up) and waits until it is gone. */
export async function killHard(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}

export { prng };
