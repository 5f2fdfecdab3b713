import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FIRST_SEED, readDocFile, startTestApp } from '../helpers/app.js';
import type { Label } from '../../server/domain/types.js';

const CLIENTS = 50;

describe('50 concurrent clients on one document', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let server: Server;
  let url: string;
  let origin: string;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
    server = t.app.listen(0);
    await new Promise((r) => server.once('listening', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    url = `${origin}/api/documents/${FIRST_SEED}/labels`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await t.cleanup();
  });

  it('when each adds, edits and (every other one) deletes a label while the text is revised, then the file holds exactly the acknowledged outcome and a complete, ordered trail', async () => {
    const base = t.store.get(FIRST_SEED)!.revisions[0].text;
    const words = [...base.matchAll(/\p{L}+/gu)].slice(0, CLIENTS).map((m) => ({ word: m[0], start: m.index! }));
    const PREFIX = 'UPDATE: this article was revised.\n\n';
    // Each client signs in as its own user (the acting user is the signed-in one); editors may label any document.
    const tokens = new Map<string, string>([['admin', await t.token('admin')]]);
    for (let i = 0; i < CLIENTS; i++) tokens.set(`client${i}`, await t.token(`client${i}`, 'editor'));
    const call = async (method: string, path: string, body?: object, who = 'admin') => {
      const res = await fetch(path.startsWith('/api/') ? origin + path : url + path, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(who)}` }, body: body && JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Label & { deleted: Label; rev: number; created: boolean } };
    };

    // The revision goes in once half of the labels have been created.
    let createdCount = 0;
    let halfway!: () => void;
    const half = new Promise<void>((r) => (halfway = r));
    const revision = half.then(() => call('PUT', `/api/documents/${FIRST_SEED}/text`, { text: PREFIX + base, baseRev: 1, message: 'mid-flight revision' }));

    const outcomes = await Promise.all(
      words.map(async ({ word, start }, i) => {
        const attempts: number[] = [];
        let created;
        for (const rev of [1, 2]) {
          const shift = rev === 1 ? 0 : PREFIX.length;
          created = await call('POST', '', { start: start + shift, end: start + shift + word.length, type: 'opinion', rev, note: `created by ${i}` }, `client${i}`);
          attempts.push(created.status);
          if (created.status !== 409) break; // a client that was too late reloads and labels the new revision
        }
        if (++createdCount === CLIENTS / 2) halfway();
        const edited = await call('PATCH', `/${created!.body.id}`, { note: `edited by ${i}`, speaker: `Speaker ${i}` }, `client${i}`);
        const deleted = i % 2 === 0 ? await call('DELETE', `/${created!.body.id}`, undefined, `client${i}`) : null;
        return { i, word, attempts, created: created!, edited, deleted };
      }),
    );
    const revised = await revision;

    expect([revised.status, revised.body.rev]).toEqual([201, 2]);
    for (const o of outcomes) {
      expect([o.created.status, o.edited.status, o.deleted?.status ?? 200]).toEqual([201, 200, 200]);
      expect(o.attempts).toEqual(o.attempts.length === 1 ? [201] : [409, 201]);
    }
    const doc = await readDocFile(t.dataDir, FIRST_SEED);
    expect(doc.revisions.map((r) => [r.rev, r.text])).toEqual([[1, base], [2, PREFIX + base]]);
    const kept = outcomes.filter((o) => !o.deleted);
    expect(doc.labels.map((l) => l.id).sort()).toEqual(kept.map((o) => o.created.body.id).sort());
    for (const o of kept) {
      const label = doc.labels.find((l) => l.id === o.created.body.id)!;
      expect([label.rev, (PREFIX + base).slice(label.start, label.end), label.quote.exact, label.note, label.speaker, label.annotator]).toEqual([2, o.word, o.word, `edited by ${o.i}`, `Speaker ${o.i}`, `client${o.i}`]);
    }

    // The trail: per label created → updated (→ deleted), once each and in that order; one revision.
    expect(doc.events.filter((e) => e.kind === 'revision.created')).toHaveLength(1);
    const own = doc.events.filter((e) => e.labelId && e.kind !== 'label.reanchored');
    expect(own).toHaveLength(CLIENTS * 2 + CLIENTS / 2);
    for (const o of outcomes) {
      const mine = own.filter((e) => e.labelId === o.created.body.id);
      expect(mine.map((e) => [e.kind, e.actor])).toEqual([
        ['label.created', `client${o.i}`],
        ['label.updated', `client${o.i}`],
        ...(o.deleted ? [['label.deleted', `client${o.i}`]] : []),
      ]);
    }
    const revisionAt = doc.events.findIndex((e) => e.kind === 'revision.created');
    const labelEventsAfter = own.filter((e) => doc.events.indexOf(e) > revisionAt).length;
    expect(revisionAt).toBeGreaterThan(CLIENTS / 2); // the revision really came in the middle:
    expect(labelEventsAfter).toBeGreaterThan(0); //     label events on both sides of it
    console.log(`concurrency: revision at event ${revisionAt} of ${doc.events.length}; ${labelEventsAfter} label events after it; ${outcomes.filter((o) => o.attempts.length === 2).length} creates got 409 and retried on rev 2`);
    const times = doc.events.map((e) => e.at);
    expect([...times].sort()).toEqual(times);
    // What the API serves is what is on disk.
    expect(t.store.get(FIRST_SEED)).toEqual(doc);
  });
});
