import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestApp, readDocFile } from '../helpers/app.js';
import type { Label } from '../../server/domain/types.js';
import type { SpeakerData } from '../../server/domain/speakers/types.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

async function docWith(t: App, outlet: string, text: string, words: string, speaker: string): Promise<{ id: string; label: Label }> {
  const doc = (await t.http.post('/api/documents').send({ title: outlet, outlet, text }).expect(201)).body as { id: string };
  const start = text.indexOf(words);
  const label = (await t.http.post(`/api/documents/${doc.id}/labels`).send({ start, end: start + words.length, type: 'direct-quote', rev: 1, speaker }).expect(201)).body as Label;
  return { id: doc.id, label };
}

const speakerFile = async (t: App) => JSON.parse(await readFile(join(t.dataDir, 'speakers.json'), 'utf8')) as SpeakerData;

describe('a speaker merge whose document write fails', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.cleanup());

  test('when a document cannot be written part-way, then the merge is recorded as pending (readers credit the target), and retrying it finishes it and undo moves every label back', async () => {
    const a = await docWith(t, 'Ledger', 'Jon Smyth said “we will build it.”', 'we will build it.', 'Jon Smyth');
    const b = await docWith(t, 'Herald', 'Jon Smyth said “not before May.”', 'not before May.', 'Jon Smyth');
    const c = await docWith(t, 'Courier', 'Mayor John Smith said “the bridge is coming.”', 'the bridge is coming.', 'Mayor John Smith');
    const from = a.label.speakerId!;
    const into = c.label.speakerId!;
    expect(b.label.speakerId).toBe(from);

    // Make b's file unwritable: a directory where the file is (the store still has b in memory).
    const file = join(t.dataDir, 'documents', `${b.id}.json`);
    const original = await readFile(file);
    t.store.get(b.id);
    await rm(file);
    await mkdir(file);
    await writeFile(join(file, 'blocker'), 'x');

    const failed = await t.http.post(`/api/speakers/${from}/merge`).send({ into });
    expect(failed.status).toBe(500);
    const half = await speakerFile(t);
    expect(half.speakers.find((s) => s.id === from)!.mergedInto).toBe(into);
    expect(half.merges).toHaveLength(1);
    expect(half.merges[0]).toMatchObject({ from, into, pending: true, labels: [] });
    // Readers already see one speaker: the merged one resolves to its target.
    expect(((await t.http.get('/api/speakers').expect(200)).body as { id: string }[]).map((s) => s.id)).toEqual([into]);

    await rm(file, { recursive: true });
    await writeFile(file, original);
    const retried = (await t.http.post(`/api/speakers/${from}/merge`).send({ into }).expect(200)).body as { id: string; labels: { documentId: string; labelId: string }[]; pending?: true };
    expect(retried.id).toBe(half.merges[0].id);
    expect(retried.pending).toBeUndefined();
    expect(retried.labels.map((l) => l.labelId).sort()).toEqual([a.label.id, b.label.id].sort());
    for (const d of [a, b]) expect((await readDocFile(t.dataDir, d.id)).labels.map((l) => [l.speakerId, l.speaker])).toEqual([[into, 'John Smith']]);
    expect((await speakerFile(t)).merges[0].pending).toBeUndefined();

    await t.http.post(`/api/speakers/merges/${retried.id}/undo`).send({}).expect(200);
    for (const d of [a, b]) expect((await readDocFile(t.dataDir, d.id)).labels.map((l) => [l.speakerId, l.speaker])).toEqual([[from, 'Jon Smyth']]);
  });
});
