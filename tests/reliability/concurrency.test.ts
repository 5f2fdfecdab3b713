import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FIRST_SEED, readDocFile, startTestApp } from '../helpers/app.js';
import type { Label } from '../../server/domain/types.js';

const CLIENTS = 50;

describe('50 concurrent clients on one document', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
    server = t.app.listen(0);
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/documents/${FIRST_SEED}/labels`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await t.cleanup();
  });

  it('when each adds, edits and (every other one) deletes a label at the same time, then the file holds exactly the acknowledged outcome and a complete, ordered trail', async () => {
    const words = [...t.store.get(FIRST_SEED)!.revisions[0].text.matchAll(/\p{L}+/gu)].slice(0, CLIENTS);
    const call = async (method: string, path: string, body?: object) => {
      const res = await fetch(url + path, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Label & { deleted: Label } };
    };

    const outcomes = await Promise.all(
      words.map(async (w, i) => {
        const created = await call('POST', `?annotator=client${i}`, { start: w.index, end: w.index! + w[0].length, type: 'opinion', rev: 1, note: `created by ${i}` });
        const edited = await call('PATCH', `/${created.body.id}?annotator=client${i}`, { note: `edited by ${i}`, speaker: `Speaker ${i}` });
        const deleted = i % 2 === 0 ? await call('DELETE', `/${created.body.id}?annotator=client${i}`) : null;
        return { i, w, created, edited, deleted };
      }),
    );

    for (const o of outcomes) {
      expect([o.created.status, o.edited.status, o.deleted?.status ?? 200]).toEqual([201, 200, 200]);
    }
    const doc = await readDocFile(t.dataDir, FIRST_SEED);
    const kept = outcomes.filter((o) => !o.deleted);
    expect(doc.labels.map((l) => l.id).sort()).toEqual(kept.map((o) => o.created.body.id).sort());
    for (const o of kept) {
      const label = doc.labels.find((l) => l.id === o.created.body.id)!;
      expect(label).toEqual(o.edited.body);
      expect([label.start, label.end, label.quote.exact, label.note, label.speaker, label.annotator]).toEqual([o.w.index, o.w.index! + o.w[0].length, o.w[0], `edited by ${o.i}`, `Speaker ${o.i}`, `client${o.i}`]);
    }

    // The trail: the creation event, then per label created → updated (→ deleted), in that order, once each.
    const labelEvents = doc.events.filter((e) => e.labelId);
    expect(doc.events).toHaveLength(1 + labelEvents.length);
    expect(labelEvents).toHaveLength(CLIENTS * 2 + CLIENTS / 2);
    for (const o of outcomes) {
      const mine = labelEvents.filter((e) => e.labelId === o.created.body.id);
      expect(mine.map((e) => [e.kind, e.actor])).toEqual([
        ['label.created', `client${o.i}`],
        ['label.updated', `client${o.i}`],
        ...(o.deleted ? [['label.deleted', `client${o.i}`]] : []),
      ]);
      expect(mine[1].after).toEqual(o.edited.body);
    }
    const times = doc.events.map((e) => e.at);
    expect([...times].sort()).toEqual(times);
    // What the API serves is what is on disk.
    expect(t.store.get(FIRST_SEED)).toEqual(doc);
  });
});
