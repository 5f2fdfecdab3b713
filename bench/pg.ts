/**
 * `npm run bench:pg` (also part of `npm run bench`): label saves per second and their p99 latency
 * through real Framewise processes (server/main.ts, as `npm start` runs it), measured in this one run:
 * one server on a data folder (lowdb files, the default), one server on PostgreSQL, and two servers
 * on the same PostgreSQL database with the clients spread over both, all on this machine.
 *
 * Each configuration starts fresh (the five seed articles), warms up for 2 s, then CLIENTS clients
 * save labels (`POST /api/documents/:id/labels`, each answer awaited before the next request) for
 * SECONDS seconds on the seed documents at random. PostgreSQL runs in a throwaway cluster with its
 * default durability (fsync and synchronous_commit on), as the data folder fsyncs every write.
 *
 * Prints a reason and exits 0 only when PostgreSQL cannot be installed or started here.
 */
import { execFileSync, execSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../tests/helpers/postgres-cluster.js';
import { prng } from '../tests/helpers/prng.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const PASSWORD = 'bench admin password';
const MAIN = resolve('server/main.ts');

// ---- PostgreSQL: installed, a throwaway cluster ------------------------------------------------

function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : null;
}

/** The PostgreSQL bin folder, installing Debian's package when it is missing (as `npm test` does); null with the reason printed when impossible. */
function ensurePostgres(): string | null {
  let bin = postgresBin();
  if (bin) return bin;
  console.log("PostgreSQL is not installed: installing Debian's postgresql (a minute or two)…");
  try {
    const sudo = process.getuid?.() !== 0 ? 'sudo ' : '';
    execSync(`${sudo}apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${sudo}apt-get install -y -qq postgresql`, { stdio: 'inherit' });
  } catch (err) {
    console.log(`skipped: PostgreSQL cannot be installed here (apt-get failed: ${(err as Error).message.split('\n')[0]})`);
    return null;
  }
  bin = postgresBin();
  if (!bin) console.log('skipped: PostgreSQL is still missing after apt-get install postgresql (no /usr/lib/postgresql/*/bin/initdb)');
  return bin;
}

function asServerUser(command: string, args: string[]): string {
  const isRoot = process.getuid?.() === 0;
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Cluster {
  port: number;
  createDatabase(name: string): string;
  stop(): void;
}

/** Like tests/helpers/postgres-cluster.ts, but durable (fsync on): a fair comparison with the fsyncing data folder. */
async function startDurableCluster(bin: string): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'framewise-bench-pg-'));
  chmodSync(dir, 0o700);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  asServerUser(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8']);
  const port = await freePort();
  asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100`, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  return {
    port,
    createDatabase(name) {
      asServerUser(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE ${name}`]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop() {
      try {
        asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

// ---- Framewise processes ----------------------------------------------------------------------

interface Server {
  child: ChildProcess;
  url: string;
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, PORT: '0', NODE_OPTIONS: '', ADMIN_PASSWORD: PASSWORD, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((done, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Framewise on (http:\/\/\S+:\d+)/.exec(out);
      if (m) done(m[1]);
    });
    child.on('exit', (code) => fail(new Error(`server exited (${code}) before listening:\n${out}`)));
  });
  return { child, url };
}

async function stopServer(server: Server): Promise<void> {
  const gone = new Promise((done) => server.child.on('exit', done));
  server.child.kill('SIGTERM');
  await gone;
}

interface Session {
  cookie: string;
  csrf: string;
}

async function signIn(url: string): Promise<Session> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

// ---- The load -----------------------------------------------------------------------------------

interface Result {
  saves: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
};

/** CLIENTS clients saving labels through `urls` (client n uses urls[n % urls.length]) for `seconds`. */
async function labelLoad(urls: string[], seconds: number, seed: number): Promise<Result> {
  const session = await signIn(urls[0]);
  const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' };
  const docs = (await (await fetch(`${urls[0]}/api/documents`, { headers })).json()) as { id: string; rev: number }[];
  const texts = new Map<string, { rev: number; text: string }>();
  for (const d of docs) texts.set(d.id, (await (await fetch(`${urls[0]}/api/documents/${d.id}`, { headers })).json()) as { rev: number; text: string });
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, n) => {
      const random = prng(seed + n);
      const url = urls[n % urls.length];
      while (performance.now() < end) {
        const doc = docs[Math.floor(random() * docs.length)].id;
        const { rev, text } = texts.get(doc)!;
        const from = Math.floor(random() * (text.length - 60));
        const start = from + Math.max(0, text.slice(from).search(/\p{L}/u));
        const t = performance.now();
        const res = await fetch(`${url}/api/documents/${doc}/labels`, { method: 'POST', headers, body: JSON.stringify({ start, end: start + 20, type: 'opinion', rev, snap: true }) });
        await res.arrayBuffer();
        if (res.status === 201) latencies.push(performance.now() - t);
        else errors++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return { saves: latencies.length, perSecond: latencies.length / elapsed, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), errors };
}

async function measure(name: string, servers: Server[]): Promise<Result> {
  const urls = servers.map((s) => s.url);
  await labelLoad(urls, 2, 1); // warm-up: JIT, caches, connections
  const result = await labelLoad(urls, SECONDS, 100);
  console.log(
    `  ${name.padEnd(34)} ${result.perSecond.toFixed(1).padStart(8)} ${result.p50.toFixed(1).padStart(8)} ${result.p99.toFixed(1).padStart(8)} ${String(result.saves).padStart(7)}${result.errors ? `  (${result.errors} refused)` : ''}`,
  );
  return result;
}

// ---- Run ----------------------------------------------------------------------------------------

const bin = ensurePostgres();
if (!bin) process.exit(0);
let cluster: Cluster;
try {
  cluster = await startDurableCluster(bin);
} catch (err) {
  const e = err as { stderr?: string; message: string };
  console.log(`skipped: PostgreSQL is installed but a cluster cannot be started here: ${(e.stderr || e.message).trim().split('\n').slice(-1)[0]}`);
  process.exit(0);
}

const folders: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'framewise-bench-pgapp-'));
  folders.push(d);
  return d;
};
try {
  console.log(`label saves through HTTP, ${CLIENTS} clients, ${SECONDS} s each, ${cpus().length} cores (${cpus()[0]?.model.trim()})`);
  console.log(`  ${'configuration'.padEnd(34)} ${'saves/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'saves'.padStart(7)}`);

  const lowdb = await startServer({ DATA_DIR: tempDir() });
  const folder = await measure('one server, data folder (lowdb)', [lowdb]);
  await stopServer(lowdb);

  const one = await startServer({ DATA_DIR: tempDir(), DATABASE_URL: cluster.createDatabase('bench_one') });
  const pgOne = await measure('one server, PostgreSQL', [one]);
  await stopServer(one);

  const url = cluster.createDatabase('bench_two');
  const a = await startServer({ DATA_DIR: tempDir(), DATABASE_URL: url });
  const b = await startServer({ DATA_DIR: tempDir(), DATABASE_URL: url });
  const pgTwo = await measure('two servers, one PostgreSQL', [a, b]);
  await Promise.all([stopServer(a), stopServer(b)]);

  console.log(`  PostgreSQL one server / data folder: ${(pgOne.perSecond / folder.perSecond).toFixed(2)}x the saves, p99 ${(pgOne.p99 / folder.p99).toFixed(2)}x`);
  console.log(`  two servers / one server on PostgreSQL: ${(pgTwo.perSecond / pgOne.perSecond).toFixed(2)}x the saves, p99 ${(pgTwo.p99 / pgOne.p99).toFixed(2)}x`);
} finally {
  cluster.stop();
  for (const d of folders) rmSync(d, { recursive: true, force: true });
}
