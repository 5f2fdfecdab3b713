import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { startTestApp, readDocFile } from '../helpers/app.js';
import { makeLabel } from '../../server/domain/labels.js';
import { bigFixture, prng } from '../fixtures/reanchor/big-document.js';
import { workerStats } from '../../server/services/revisions.js';
import { workerLoad } from '../../server/services/domain-worker.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('a hostile revision: the whole 200 KB text replaced by unrelated text', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let id: string;
  let auth: Record<string, string>;
  const fx = bigFixture(13);
  const rand = prng(17);
  const unrelated = Array.from({ length: 32_000 }, () => 'zu' + Math.floor(rand() * 7000)).join(' ');

  beforeAll(async () => {
    t = await startTestApp();
    server = t.app.listen(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    auth = { authorization: `Bearer ${await t.token()}` };
    const created = await fetch(`${base}/api/documents`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Big', text: fx.oldText }) });
    id = ((await created.json()) as { id: string }).id;
    await t.store.update(id, (d) => {
      for (const p of fx.labels) d.labels.push(makeLabel(d, { id: p.id, type: 'opinion', start: p.start, end: p.end }, 'tester', '2026-01-01T00:00:00.000Z'));
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.cleanup();
  });

  test('when it is saved, then a request sent once its body has arrived is answered before the revision is applied, and every label is orphaned or re-found by quote', async () => {
    const order: string[] = [];
    let during: Promise<number[]> | null = null;
    // As soon as the server has the whole PUT body (re-anchoring starts right after), ask for the
    // revision list. If re-anchoring blocked the event loop, this request could only be answered
    // once the new revision is in the store, and would list revisions 1 and 2.
    server.on('request', (req) => {
      if (req.method !== 'PUT') return;
      req.on('end', () => {
        during = fetch(`${base}/api/documents/${id}/revisions`, { headers: auth }).then(async (res) => {
          order.push('get');
          return ((await res.json()) as { rev: number }[]).map((r) => r.rev);
        });
      });
    });

    const { status, body } = await fetch(`${base}/api/documents/${id}/text`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ text: unrelated, baseRev: 1, message: 'rewrite' }),
    }).then(async (res) => {
      order.push('put');
      return { status: res.status, body: (await res.json()) as { report: { counts: Record<string, number>; labels: { method: string }[] } } };
    });

    expect(workerStats).toMatchObject({ jobs: 1, fallbacks: 0 });
    expect(await during).toEqual([1]);
    expect(order).toEqual(['get', 'put']);
    expect(status).toBe(201);
    expect(body.report.counts.exact + body.report.counts.moved).toBe(0);
    expect(body.report.counts.orphaned + body.report.counts.fuzzy).toBe(500);
    expect(new Set(body.report.labels.map((o) => o.method)).has('diff')).toBe(false);
    const file = await readDocFile(t.dataDir, id);
    expect(file.revisions.map((r) => r.rev)).toEqual([1, 2]);
    expect(file.labels).toHaveLength(500);
    expect(file.revisions[0].labels).toHaveLength(500);
  });
});

describe('a label added while a large revision is being re-anchored', () => {
  test('when the labels change during the off-thread computation, then it is redone and the new label is re-anchored too', async () => {
    const t = await startTestApp();
    const server = t.app.listen(0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const fx = bigFixture(21);
      const auth = { authorization: `Bearer ${await t.token()}` };
      const created = await fetch(`${base}/api/documents`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Big', text: fx.oldText }) });
      const id = ((await created.json()) as { id: string }).id;
      const [first, second] = fx.labels;
      await t.store.update(id, (d) => {
        d.labels.push(makeLabel(d, { id: first.id, type: 'opinion', start: first.start, end: first.end }, 'tester', 'then'));
      });
      // The label is added once the re-anchoring job is on the worker thread (the document was read
      // for it): a turn of the event loop at a time until the worker has a job, then the update.
      let sent = false;
      const added = (async () => {
        while (workerLoad.pending === 0) {
          if (sent) return null; // answered without ever reaching the worker: the expectations below fail
          await new Promise((resolve) => setImmediate(resolve));
        }
        return t.store.update(id, (d) => {
          d.labels.push(makeLabel(d, { id: second.id, type: 'opinion', start: second.start, end: second.end }, 'tester', 'meanwhile'));
        });
      })();

      const jobsBefore = workerStats.jobs;
      const res = await fetch(`${base}/api/documents/${id}/text`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ text: fx.newText, baseRev: 1 }) });
      sent = true;
      expect(await added).not.toBeNull();

      expect(res.status).toBe(201);
      expect(workerStats.jobs - jobsBefore).toBe(2); // computed, found stale, computed again
      const file = await readDocFile(t.dataDir, id);
      const expected = new Map(fx.expected.map((e) => [e.id, e]));
      expect(file.labels.map((l) => [l.id, l.rev, l.start, l.end])).toEqual(
        [first, second].map((p) => [p.id, 2, expected.get(p.id)!.start, expected.get(p.id)!.end]),
      );
      expect(file.revisions[0].labels!.map((l) => l.id)).toEqual([first.id, second.id]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await t.cleanup();
    }
  });
});
