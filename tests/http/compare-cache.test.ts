import { randomUUID } from 'node:crypto';
import { startTestApp } from '../helpers/app.js';
import { CompareService } from '../../server/services/compare.js';
import { makeLabel } from '../../server/domain/labels.js';
import { workerStats } from '../../server/services/domain-worker.js';

const TURAN = '001_b1fe9c773694e9ae';

describe('the compare cache', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeEach(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterEach(() => t.cleanup());

  test('when nothing changed between two requests, then the same snapshot is served without rebuilding', async () => {
    const service = new CompareService(t.store);
    expect(await service.snapshot()).toBe(await service.snapshot());
  });

  test('when a label is added, then the next snapshot is rebuilt and carries it', async () => {
    const service = new CompareService(t.store);
    const before = await service.snapshot();
    await t.store.update(TURAN, (d) => {
      d.labels.push(makeLabel(d, { id: randomUUID(), type: 'opinion', start: 635, end: 672 }, 'tester', '2026-01-01T00:00:00.000Z'));
    });
    const after = await service.snapshot();
    expect(after).not.toBe(before);
    expect(after.clusters[0].types).toEqual(['opinion']);
  });

  test('when a document\'s outlet changes, then the next snapshot shows the new outlet', async () => {
    const service = new CompareService(t.store);
    const before = await service.snapshot();
    await t.store.update(TURAN, (d) => {
      d.meta.outlet = 'Turan Agency';
    });
    const after = await service.snapshot();
    expect(after).not.toBe(before);
    expect(after.clusters[0].outlets).toEqual(['Turan Agency']);
  });

  test('when a new revision changes the text, then matching runs on the latest revision', async () => {
    const service = new CompareService(t.store);
    await t.store.update(TURAN, (d) => {
      const text = d.revisions[0].text.replace('rest, refit, and eventually re-attack', 'wait');
      d.revisions.push({ rev: 2, text, createdAt: '2026-01-01T00:00:00.000Z', author: 'tester', message: 'edit' });
    });
    expect((await service.snapshot()).clusters.filter((c) => c.documentCount >= 2)).toEqual([]);
  });
});

describe('matching a large corpus', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeEach(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterEach(() => t.cleanup());

  test('when the corpus is over the threshold, then matching runs on the worker thread and finds the same statements', async () => {
    const inline = await new CompareService(t.store).snapshot();
    const filler = 'Officials met again on Tuesday to discuss the grain corridor and the shipping lanes. '.repeat(2500);
    await t.http.post('/api/documents').send({ text: filler, title: 'Filler' }).expect(201);
    const jobsBefore = workerStats.jobs;
    const big = await new CompareService(t.store).snapshot();
    expect(workerStats.jobs - jobsBefore).toBe(1);
    expect(big.clusters.filter((c) => c.documentCount >= 2).map((c) => c.id)).toEqual(inline.clusters.filter((c) => c.documentCount >= 2).map((c) => c.id));
  });
});
