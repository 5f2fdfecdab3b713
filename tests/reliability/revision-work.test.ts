import type { AddressInfo } from 'node:net';
import { startTestApp, readDocFile } from '../helpers/app.js';
import { makeLabel } from '../../server/domain/labels.js';
import { revisionStats, smallWork, workerStats } from '../../server/services/revisions.js';
import { updateLabel } from '../../server/services/labels.js';

/** A 20,000-character text of numbered sentences, short enough that text length alone kept it on the main thread. */
function sentences(count: number): string {
  return Array.from({ length: count }, (_, i) => `Sentence number ${i} says what the minister said about item ${i}.`).join(' ');
}

async function documentWithLabels(labelCount: number) {
  const t = await startTestApp();
  const text = sentences(300);
  const created = await t.http.post('/api/documents').send({ title: 'Many labels', text });
  const id = created.body.id as string;
  await t.store.update(id, (d) => {
    let from = 0;
    for (let i = 0; i < labelCount; i++) {
      const start = text.indexOf(`item ${i}.`, from);
      from = start + 1;
      d.labels.push(makeLabel(d, { id: `label-${i}`, type: 'opinion', start, end: start + `item ${i}`.length }, 'tester', '2026-01-01T00:00:00.000Z'));
    }
  });
  return { t, id, text };
}

describe('re-anchoring: the worker decision counts labels times text', () => {
  it('when the work is text times labels, then a short text with many labels is not small work while a short text with few labels is', () => {
    const short = 'x'.repeat(24_500);
    expect(smallWork(short, short, 2_000)).toBe(false);
    expect(smallWork(short, short, 10)).toBe(true);
    expect(smallWork('x'.repeat(60_000), 'x'.repeat(60_000), 0)).toBe(false);
  });

  it('when a 20,000-character document with 250 labels is revised, then the re-anchoring runs on the worker thread and every label follows the text', async () => {
    const { t, id, text } = await documentWithLabels(250);
    try {
      expect(text.length).toBeLessThan(25_000);
      const jobsBefore = workerStats.jobs;
      const res = await t.http.put(`/api/documents/${id}/text`).send({ text: `Breaking. ${text}`, baseRev: 1 });
      expect(res.status).toBe(201);
      expect(workerStats.jobs - jobsBefore).toBe(1);
      const file = await readDocFile(t.dataDir, id);
      expect(file.labels).toHaveLength(250);
      for (const l of file.labels) {
        expect(l.rev).toBe(2);
        expect(file.revisions[1].text.slice(l.start, l.end)).toBe(`item ${l.id.slice('label-'.length)}`);
      }
    } finally {
      await t.cleanup();
    }
  });

  it('when other clients keep editing labels during the computation, then only the labels they changed are re-anchored at commit, never the whole set on the main thread', async () => {
    const { t, id, text } = await documentWithLabels(250);
    const server = t.app.listen(0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const lateBefore = revisionStats.lateLabels;
      let edits = 0;
      let done = false;
      // Every turn of the event loop while the revision is computed, another label gets a new note.
      const editing = (async () => {
        while (!done && edits < 400) {
          await updateLabel(t.store, t.project, id, `label-${edits % 250}`, { note: `edit ${edits}` }, 'other');
          edits++;
          await new Promise((r) => setImmediate(r));
        }
      })();
      const { token } = await t.users.createToken('admin', 'tests');
      const res = await fetch(`${base}/api/documents/${id}/text`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ text: `Breaking. ${text}` }) });
      done = true;
      await editing;

      expect(res.status).toBe(201);
      expect(edits).toBeGreaterThan(0);
      const late = revisionStats.lateLabels - lateBefore;
      expect(late).toBeLessThanOrEqual(edits);
      expect(late).toBeLessThan(250);
      const file = await readDocFile(t.dataDir, id);
      expect(file.labels).toHaveLength(250);
      for (const l of file.labels) {
        expect(l.rev).toBe(2);
        expect(file.revisions[1].text.slice(l.start, l.end)).toBe(`item ${l.id.slice('label-'.length)}`);
      }
      // The edits made before the commit are kept on the re-anchored labels.
      expect(file.labels.some((l) => l.note?.startsWith('edit '))).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
      await t.cleanup();
    }
  });
});
