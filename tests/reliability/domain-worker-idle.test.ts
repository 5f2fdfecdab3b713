/**
 * The worker thread is stopped once idle for WORKER_IDLE_MS (it holds about 115 MB) and started
 * again by the next long job, which gets the same answer as before.
 */
import { runJob, runJobInline, setWorkerIdleMs, workerStats, WORKER_IDLE_MS } from '../../server/services/domain-worker.js';

const docs = [{ text: 'The minister said the harbour bridge would reopen in May. “It will be ready,” she said.', labels: [] }];
const until = async (done: () => boolean) => {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
};

describe('the worker thread when idle', () => {
  afterAll(() => setWorkerIdleMs(WORKER_IDLE_MS));

  it('when the worker has had no job for the idle time, then it is stopped, and the next job starts another that answers the same', async () => {
    setWorkerIdleMs(200);
    const first = await runJob('contributions', docs, true);
    const { started, retired, jobs } = workerStats;
    await until(() => workerStats.retired > retired);
    expect(workerStats.retired).toBe(retired + 1);
    const again = await runJob('contributions', docs, true);
    expect(workerStats.started).toBe(started + 1);
    expect(workerStats.jobs).toBe(jobs + 1);
    expect(again).toEqual(first);
    expect(again).toEqual(runJobInline('contributions', docs));
  });

  it('when jobs keep coming within the idle time, then the same worker answers them all', async () => {
    setWorkerIdleMs(300);
    await runJob('contributions', docs, true);
    const { started, retired } = workerStats;
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await runJob('contributions', docs, true);
    }
    expect(workerStats.started).toBe(started);
    expect(workerStats.retired).toBe(retired);
    await until(() => workerStats.retired > retired);
    expect(workerStats.retired).toBe(retired + 1);
  });
});
