import pg from 'pg';
import { freePort, startCluster, type TestCluster } from '../helpers/postgres-cluster.js';
import { migrate } from '../../server/store/postgres/migrate.js';
import { EXCLUSIVE_LOCK_CLASS, PgStateBackend } from '../../server/store/postgres/pg-state.js';
import { StorageUnavailableError } from '../../server/store/postgres/errors.js';
import { UserStore } from '../../server/auth/user-store.js';
import { TeamStore } from '../../server/auth/team-store.js';
import { ProjectStore } from '../../server/store/project-store.js';
import { SpeakerStore } from '../../server/store/speaker-store.js';
import { sql } from './pg-helpers.js';
import { stateContract } from './state-contract.js';

let cluster: TestCluster;
let dbCount = 0;

beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(() => cluster?.stop());

/** A fresh, migrated database; answers its URL. */
async function freshDatabase(): Promise<string> {
  const url = cluster.createDatabase(`pg_state_${++dbCount}`);
  const pool = new pg.Pool({ connectionString: url });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  return url;
}

/** One "app server": its own pool on the database. */
function appPool(url: string, name: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, application_name: name, max: 4 });
  pool.on('error', () => {});
  return pool;
}

async function storedRow(url: string, name: string): Promise<{ content: string; version: number } | null> {
  const client = await sql(url);
  try {
    const { rows } = await client.query<{ content: string; version: string }>('SELECT content, version FROM data_files WHERE name = $1', [name]);
    return rows.length ? { content: rows[0].content, version: Number(rows[0].version) } : null;
  } finally {
    await client.end();
  }
}

async function runSql(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = await sql(url);
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

stateContract('PgStateBackend (a PostgreSQL database)', async () => {
  const url = await freshDatabase();
  const pools: pg.Pool[] = [];
  const backend = () => {
    const pool = appPool(url, `state-${pools.length}`);
    pools.push(pool);
    return new PgStateBackend(pool);
  };
  return {
    backend: backend(),
    reopen: async () => backend(),
    stored: async (name) => (await storedRow(url, name))?.content ?? null,
    storeRaw: async (name, content) => {
      await runSql(url, 'INSERT INTO data_files (name, content) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET content = $2, version = data_files.version + 1', [name, content]);
    },
    cleanup: async () => {
      for (const p of pools) await p.end();
    },
  };
});

interface Counter {
  items: number[];
}
const empty = (): Counter => ({ items: [] });
const check = (d: unknown) => (Array.isArray((d as Counter | null)?.items) ? null : 'items must be a list');

describe('PgStateBackend: two app servers on one database', () => {
  let url: string;
  let poolA: pg.Pool;
  let poolB: pg.Pool;
  let a: PgStateBackend;
  let b: PgStateBackend;
  beforeEach(async () => {
    url = await freshDatabase();
    poolA = appPool(url, 'server-a');
    poolB = appPool(url, 'server-b');
    a = new PgStateBackend(poolA);
    b = new PgStateBackend(poolB);
  });
  afterEach(async () => {
    await poolA.end();
    await poolB.end();
  });

  it('when both servers make 20 interleaved updates to one state, then all 40 are kept exactly once and the version counts them', async () => {
    const [sa, sb] = await Promise.all([a.open<Counter>('counter.json', empty, check), b.open<Counter>('counter.json', empty, check)]);
    const writes: Array<Promise<void>> = [];
    for (let i = 0; i < 20; i++) {
      writes.push(sa.update((d) => void d.items.push(i)));
      writes.push(sb.update((d) => void d.items.push(100 + i)));
    }
    await Promise.all(writes);
    const row = (await storedRow(url, 'counter.json'))!;
    const items = (JSON.parse(row.content) as Counter).items;
    expect([...items].sort((x, y) => x - y)).toEqual([...Array.from({ length: 20 }, (_, i) => i), ...Array.from({ length: 20 }, (_, i) => 100 + i)]);
    // Each server's own updates stay in the order it made them.
    expect(items.filter((x) => x < 100)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(items.filter((x) => x >= 100)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
    expect(row.version).toBe(40);
    await Promise.all([a.refresh(), b.refresh()]);
    expect(sa.data.items).toEqual(items);
    expect(sb.data.items).toEqual(items);
  });

  it('when A changes a state, then B still shows the old data until its refresh, and after refresh shows A\'s change; a refresh with nothing new reads no content', async () => {
    const [sa, sb] = await Promise.all([a.open<Counter>('counter.json', empty, check), b.open<Counter>('counter.json', empty, check)]);
    const other = await b.open<Counter>('other.json', empty, check);
    await sa.update((d) => void d.items.push(1));
    expect(sb.data.items).toEqual([]);
    await b.refresh();
    expect(sb.data.items).toEqual([1]);
    expect(other.data.items).toEqual([]);
    const held = sb.data;
    await b.refresh();
    expect(sb.data).toBe(held);
    await sb.update((d) => void d.items.push(2));
    await a.refresh();
    expect(sa.data.items).toEqual([1, 2]);
  });

  it('when B updates a state A changed since B last read it, then B\'s update starts from A\'s change (no lost update without a refresh)', async () => {
    const [sa, sb] = await Promise.all([a.open<Counter>('counter.json', empty, check), b.open<Counter>('counter.json', empty, check)]);
    await sa.update((d) => void d.items.push(1));
    await sb.update((d) => void d.items.push(2));
    expect(sb.data.items).toEqual([1, 2]);
    expect(JSON.parse((await storedRow(url, 'counter.json'))!.content)).toEqual({ items: [1, 2] });
  });

  it('when a user signs in through A, then B accepts the session after its refresh, and a sign-out on B ends it on A', async () => {
    const usersA = await UserStore.open(a);
    const usersB = await UserStore.open(b);
    await usersA.create('maria', 'a long enough password', 'annotator');
    const { sessionId } = await usersA.startSession('maria');
    expect(usersA.session(sessionId)?.user).toEqual({ username: 'maria', role: 'annotator' });
    expect(usersB.session(sessionId)).toBeNull();
    await b.refresh();
    expect(usersB.session(sessionId)?.user).toEqual({ username: 'maria', role: 'annotator' });
    await usersB.endSession(sessionId);
    await a.refresh();
    expect(usersA.session(sessionId)).toBeNull();
  });

  it('when a label type is added through A, then B knows it after its refresh, and types added on both at once are all kept', async () => {
    const projectA = await ProjectStore.open(a);
    const projectB = await ProjectStore.open(b);
    await projectA.addTypes([{ id: 'source', name: 'Source', color: '#123456' }]);
    expect(projectB.hasType('source')).toBe(false);
    await b.refresh();
    expect(projectB.hasType('source')).toBe(true);
    await Promise.all([projectA.addTypes([{ id: 'cue', name: 'Cue', color: '#654321' }]), projectB.addTypes([{ id: 'claim', name: 'Claim', color: '#111111' }])]);
    await Promise.all([a.refresh(), b.refresh()]);
    const added = (p: ProjectStore) => p.labelTypes().map((t) => t.id).filter((id) => ['source', 'cue', 'claim'].includes(id)).sort();
    expect(added(projectA)).toEqual(['claim', 'cue', 'source']);
    expect(added(projectB)).toEqual(['claim', 'cue', 'source']);
    // Adding a type both already know writes nothing (the version stays).
    const version = (await storedRow(url, 'project.json'))!.version;
    expect(await projectA.addTypes([{ id: 'cue', name: 'Cue', color: '#654321' }])).toEqual([]);
    expect((await storedRow(url, 'project.json'))!.version).toBe(version);
  });

  it('when team settings and speakers change on A, then B sees them after refresh, with the same bytes a data folder would hold', async () => {
    const teamA = await TeamStore.open(a);
    const teamB = await TeamStore.open(b);
    await teamA.changeSettings({ blind: 'on' });
    await teamA.assign({ 'doc-1': ['maria'] }, 'admin');
    await b.refresh();
    expect(teamB.settings().blind).toBe('on');
    expect(Object.keys(teamB.assignmentsOf('doc-1'))).toEqual(['maria']);
    const speakersA = await SpeakerStore.open(a);
    const speakersB = await SpeakerStore.open(b);
    await speakersA.update((d) => void d.speakers.push({ id: 'sp-1', name: 'Ann Example', aliases: ['Ann Example'], createdAt: '2026-01-01T00:00:00.000Z' }));
    await b.refresh();
    expect(speakersB.read().speakers.map((s) => s.name)).toEqual(['Ann Example']);
    expect((await storedRow(url, 'speakers.json'))!.content).toBe(JSON.stringify(speakersA.read()));
  });

  it('when a row was copied by migrate-store from an older users.json without sessions, then it opens repaired and the first sign-in writes it whole', async () => {
    await runSql(url, 'INSERT INTO data_files (name, content) VALUES ($1, $2)', ['users.json', '{\n  "users": []\n}\n']);
    const users = await UserStore.open(a);
    await users.create('maria', 'a long enough password', 'annotator');
    const { sessionId } = await users.startSession('maria');
    const stored = JSON.parse((await storedRow(url, 'users.json'))!.content);
    expect(Object.keys(stored)).toEqual(['users', 'sessions', 'tokens']);
    expect(stored.sessions).toHaveLength(1);
    expect(users.session(sessionId)).not.toBeNull();
  });

  it('when the row is damaged, then open refuses with the row named and the database left alone', async () => {
    await runSql(url, 'INSERT INTO data_files (name, content) VALUES ($1, $2)', ['users.json', '{"users": [{"username": "Not Valid"}]}']);
    await expect(UserStore.open(a)).rejects.toThrow('the data_files row "users.json" in the database is damaged (the user "Not Valid" is not valid); restore it from a backup or fix it by hand');
    await runSql(url, 'INSERT INTO data_files (name, content) VALUES ($1, $2)', ['team.json', 'not json']);
    await expect(TeamStore.open(a)).rejects.toThrow(/the data_files row "team\.json" in the database is damaged \(.*JSON.*\)/);
    expect(await storedRow(url, 'team.json')).toEqual({ content: 'not json', version: 1 });
  });

  it('when the connection is killed in the middle of an update (row written, not committed), then it rejects with a 503 StorageUnavailableError, the row and memory are unchanged, and the next update works', async () => {
    const sa = await a.open<Counter>('counter.json', empty, check);
    await sa.update((d) => void d.items.push(1));
    // A trigger that waits, after A's UPDATE has written the row, for a lock the test holds.
    await runSql(
      url,
      `CREATE FUNCTION hold_after_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock(4242); RETURN NEW; END $$;
       CREATE TRIGGER hold AFTER UPDATE ON data_files FOR EACH ROW EXECUTE FUNCTION hold_after_write();`,
    );
    const holder = await sql(url);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(4242)');
      const update = sa.update((d) => void d.items.push(2)).catch((e: unknown) => e);
      let pid: number | undefined;
      for (let tries = 0; !pid && tries < 500; tries++) {
        // pg_stat_activity is read once per transaction (stats_fetch_consistency): clear it on each look.
        await holder.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await holder.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'server-a' AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL",
        );
        pid = rows[0]?.pid;
        if (!pid) await new Promise((r) => setTimeout(r, 10));
      }
      if (!pid) throw new Error(`A's update never waited in the trigger: ${JSON.stringify((await holder.query("SELECT application_name, state, wait_event_type, wait_event, backend_xid, query FROM pg_stat_activity WHERE datname = current_database()")).rows)}`);
      await holder.query('SELECT pg_terminate_backend($1)', [pid]);
      const err = await update;
      expect(err).toBeInstanceOf(StorageUnavailableError);
      expect((err as StorageUnavailableError).status).toBe(503);
      expect((err as Error).message).toMatch(/nothing was saved, try again/);
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    expect(sa.data.items).toEqual([1]);
    expect(await storedRow(url, 'counter.json')).toEqual({ content: '{"items":[1]}', version: 1 });
    await runSql(url, 'DROP TRIGGER hold ON data_files');
    await sa.update((d) => void d.items.push(3));
    expect(await storedRow(url, 'counter.json')).toEqual({ content: '{"items":[1,3]}', version: 2 });
  });

  it('when the database cannot be reached, then opening a state rejects with a 503 StorageUnavailableError', async () => {
    const nowhere = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/none`, connectionTimeoutMillis: 2000 });
    try {
      const err = await new PgStateBackend(nowhere).open('counter.json', empty, check).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageUnavailableError);
      expect((err as Error).message).toMatch(/^the database could not be reached while reading counter\.json/);
    } finally {
      await nowhere.end();
    }
  });
});

describe('PgStateBackend.exclusive: work that takes turns across servers without locking a row', () => {
  let url: string;
  let pools: pg.Pool[];
  beforeEach(async () => {
    url = await freshDatabase();
    pools = [appPool(url, 'server-a'), appPool(url, 'server-b')];
  });
  afterEach(async () => {
    for (const p of pools) await p.end();
  });

  test('when two servers ask for the same lock, then the second work starts only after the first ended, and the state rows stay free meanwhile', async () => {
    const [a, b] = pools.map((p) => new PgStateBackend(p));
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const first = a.exclusive('speakers.json relabels', async () => {
      order.push('a starts');
      entered();
      await held;
      order.push('a ends');
    });
    await inside;
    const second = b.exclusive('speakers.json relabels', async () => void order.push('b starts'));
    // b waits on the advisory lock (seen from outside), while a state can still be changed.
    for (let n = 0; n === 0; ) n = (await runSql(url, "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rows[0].n;
    const state = await (await b.open('counter.json', empty, check)).update((d) => d.items.push(1));
    expect(state).toBe(1);
    expect(order).toEqual(['a starts']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['a starts', 'a ends', 'b starts']);
  });

  test('when another server holds the lock past the wait bound, then exclusive gives up with a 503 saying so, its work not run, and takes its turn once the lock is free', async () => {
    const b = new PgStateBackend(pools[1], 300);
    const holder = new pg.Client({ connectionString: url, application_name: 'hung-server' });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', [EXCLUSIVE_LOCK_CLASS, 'speakers.json relabels']);
      let ran = false;
      const failed = await b.exclusive('speakers.json relabels', async () => void (ran = true)).catch((err: unknown) => err);
      expect(failed).toBeInstanceOf(StorageUnavailableError);
      expect((failed as StorageUnavailableError).status).toBe(503);
      expect((failed as Error).message).toBe('another server has held the lock on speakers.json relabels for over 300 ms (its work is still running, or hung); nothing was changed here, try again later');
      expect(ran).toBe(false);
      // The connection went back to the pool without the bound: it is not left on later queries.
      expect((await pools[1].query('SHOW lock_timeout')).rows).toEqual([{ lock_timeout: '0' }]);
      expect((await runSql(url, "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rows[0].n).toBe(0);
      await holder.query('SELECT pg_advisory_unlock($1, hashtext($2))', [EXCLUSIVE_LOCK_CLASS, 'speakers.json relabels']);
      await expect(b.exclusive('speakers.json relabels', async () => 'b had its turn')).resolves.toBe('b had its turn');
    } finally {
      await holder.end();
    }
  });

  test('when the connection holding the lock is killed, then the holder learns it at its next check (StorageUnavailableError), the lock is free for another server, and the pool keeps working', async () => {
    const [a, b] = pools.map((p) => new PgStateBackend(p));
    let lost: unknown;
    await a.exclusive('speakers.json relabels', async (lease) => {
      lease.check();
      await runSql(url, "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted");
      // The client hears of its end asynchronously; ask until it has (bounded).
      for (let i = 0; i < 500 && lost === undefined; i++) {
        try {
          lease.check();
          await new Promise((r) => setTimeout(r, 10));
        } catch (err) {
          lost = err;
        }
      }
    });
    expect(lost).toBeInstanceOf(StorageUnavailableError);
    expect((lost as Error).message).toMatch(/connection holding the lock on speakers\.json relabels was lost/);
    await expect(b.exclusive('speakers.json relabels', async () => 'b had its turn')).resolves.toBe('b had its turn');
    await expect(a.exclusive('speakers.json relabels', async () => 'a again')).resolves.toBe('a again');
  });
});
