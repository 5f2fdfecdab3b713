import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DataDirLock, DataDirLockedError, LOCK_FILE } from '../../server/store/lock.js';
import { tempDataDir } from '../helpers/app.js';

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('DataDirLock', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await tempDataDir();
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('when the folder is free, then acquire writes a lock file with our pid and release deletes it', async () => {
    const lock = await DataDirLock.acquire(dataDir);
    const owner = JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8'));
    expect(owner).toEqual({ pid: process.pid, host: hostname(), startedAt: expect.any(String) });
    expect(await readdir(dataDir)).toEqual([LOCK_FILE]);
    lock.releaseSync();
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('when a live process holds the lock, then acquire throws DataDirLockedError naming its pid and the file is untouched', async () => {
    await DataDirLock.acquire(dataDir, process.ppid);
    const before = await readFile(join(dataDir, LOCK_FILE), 'utf8');
    const err = await DataDirLock.acquire(dataDir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as Error).message).toMatch(new RegExp(`in use by process ${process.ppid} on ${hostname()}`));
    expect(await readFile(join(dataDir, LOCK_FILE), 'utf8')).toBe(before);
  });

  it('when the lock was left by a process that is gone, then acquire takes it over', async () => {
    const dead = deadPid();
    await writeFile(join(dataDir, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), startedAt: 'then' }));
    await DataDirLock.acquire(dataDir);
    expect(JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    expect(await readdir(dataDir)).toEqual([LOCK_FILE]);
  });

  it('when the lock file is garbage, then it counts as stale and is taken over', async () => {
    await writeFile(join(dataDir, LOCK_FILE), 'garbage');
    await DataDirLock.acquire(dataDir);
    expect(JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
  });

  it('when the lock is held from another host, then acquire refuses (it cannot tell whether that process lives)', async () => {
    await writeFile(join(dataDir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: 'elsewhere', startedAt: 'then' }));
    await expect(DataDirLock.acquire(dataDir)).rejects.toThrow(/on elsewhere/);
  });

  it('when a crash left lock temporary files of dead processes, then acquire deletes them', async () => {
    const dead = deadPid();
    await writeFile(join(dataDir, `${LOCK_FILE}.${dead}.abcd1234`), '{}');
    await writeFile(join(dataDir, `${LOCK_FILE}.stale.abcd1234`), JSON.stringify({ pid: dead, host: hostname(), startedAt: 'then' }));
    await DataDirLock.acquire(dataDir);
    expect(await readdir(dataDir)).toEqual([LOCK_FILE]);
  });

  it('when three live claimants race for a stale lock, then exactly one wins', async () => {
    await writeFile(join(dataDir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: 'then' }));
    // Three pids that are surely alive: this process, its parent, and init.
    const claimants = [process.pid, process.ppid, 1];
    const results = await Promise.allSettled(claimants.map((pid) => DataDirLock.acquire(dataDir, pid)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8')).pid;
    expect(claimants).toContain(winner);
  });
});
