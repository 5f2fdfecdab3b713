import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestApp, expectDataUntouchedAfterEach, readDocFile } from '../helpers/app.js';
import type { Label } from '../../server/domain/types.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** Accepts every open suggestion of every document, one at a time, in document order. */
async function acceptAllSuggestions(t: App): Promise<void> {
  const docs = (await t.http.get('/api/documents').expect(200)).body as { id: string }[];
  for (const { id } of [...docs].sort((a, b) => a.id.localeCompare(b.id))) {
    for (;;) {
      const doc = (await t.http.get(`/api/documents/${id}`).expect(200)).body as { rev: number };
      const open = (await t.http.get(`/api/documents/${id}/suggestions`).expect(200)).body as { id: string }[];
      if (open.length === 0) break;
      await t.http.post(`/api/documents/${id}/suggestions/${open[0].id}/accept`).send({ rev: doc.rev }).expect(201);
    }
  }
}

async function allLabels(t: App): Promise<(Label & { documentId: string })[]> {
  const docs = (await t.http.get('/api/documents').expect(200)).body as { id: string }[];
  const out: (Label & { documentId: string })[] = [];
  for (const { id } of docs) out.push(...(await readDocFile(t.dataDir, id)).labels.map((l) => ({ ...l, documentId: id })));
  return out;
}

describe('speakers on the seeds', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
    await acceptAllSuggestions(t);
  }, 120_000); // one request per suggestion over the whole seed corpus: slow on a loaded machine
  afterAll(() => t.cleanup());

  test('when every suggestion is accepted, then every Blinken label (Anthony, Antony, Secretary of State …) credits one speaker', async () => {
    const blinken = (await allLabels(t)).filter((l) => /blinken/i.test(l.speaker ?? ''));
    expect(blinken.length).toBeGreaterThanOrEqual(8);
    expect(new Set(blinken.map((l) => l.speakerId)).size).toBe(1);
    expect(new Set(blinken.map((l) => l.speaker)).size).toBe(1);
    const speakers = (await t.http.get('/api/speakers').expect(200)).body as { id: string; name: string; aliases: string[]; role: string | null; labelCount: number; outlets: string[] }[];
    const entity = speakers.filter((s) => /blinken/i.test(s.name) || s.aliases.some((a) => /blinken/i.test(a)));
    expect(entity).toHaveLength(1);
    expect(entity[0].id).toBe(blinken[0].speakerId);
    expect(entity[0].role).toMatch(/Secretary of State$/);
    // Which spellings the suggestions typed depends on their rules; every one is kept as an alias of the one speaker.
    expect(entity[0].aliases.every((a) => /^Ant(h)?ony Blinken$/.test(a))).toBe(true);
    expect(new Set(blinken.map((l) => l.speakerAs ?? l.speaker)).size).toBeLessThanOrEqual(entity[0].aliases.length);
    expect(entity[0].labelCount).toBe(blinken.length);
    const outletOf = new Map(((await t.http.get('/api/documents').expect(200)).body as { id: string; outlet?: string }[]).map((d) => [d.id, d.outlet]));
    const outlets = [...new Set(blinken.map((l) => outletOf.get(l.documentId)).filter((o): o is string => !!o))].sort();
    expect(outlets).toContain('Global Research');
    expect(entity[0].outlets).toEqual(outlets);
  });

  test('when the speaker file is read, then it holds the same speakers the API lists', async () => {
    const file = JSON.parse(await readFile(join(t.dataDir, 'speakers.json'), 'utf8')) as { speakers: { id: string }[] };
    const listed = (await t.http.get('/api/speakers').expect(200)).body as { id: string }[];
    expect(listed.map((s) => s.id).sort()).toEqual(file.speakers.map((s) => s.id).sort());
  });

  test('when the speakers page is opened, then Blinken is one row with his role and both spellings', async () => {
    const html = (await t.http.get('/speakers').expect(200)).text;
    expect(html.match(/Blinken<\/a>/g)).toHaveLength(1);
    expect(html).toContain('Secretary of State');
  });
});

/** A document with one label per [words, speaker] pair, through the API. */
async function docWith(t: App, outlet: string, text: string, labels: [string, string][], type = 'direct-quote'): Promise<{ id: string; labels: Label[] }> {
  const doc = (await t.http.post('/api/documents').send({ title: outlet, outlet, publishedAt: '2024-02-03', text }).expect(201)).body as { id: string; rev: number };
  const out: Label[] = [];
  for (const [words, speaker] of labels) {
    const start = text.indexOf(words);
    out.push((await t.http.post(`/api/documents/${doc.id}/labels`).send({ start, end: start + words.length, type, rev: 1, speaker, cue: 'said', sourcing: 'named' }).expect(201)).body as Label);
  }
  return { id: doc.id, labels: out };
}

describe('merging and splitting speakers', () => {
  let t: App;
  let a: { id: string; labels: Label[] };
  let b: { id: string; labels: Label[] };
  beforeAll(async () => {
    t = await startTestApp();
    a = await docWith(t, 'Ledger', 'Jon Smyth said: “We will build the bridge next year.” Later Smyth said “Not before May.”', [['We will build the bridge next year.', 'Jon Smyth'], ['Not before May.', 'Smyth']]);
    b = await docWith(t, 'Courier', 'Mayor John Smith said “the bridge is coming.”', [['the bridge is coming.', 'Mayor John Smith']]);
  });
  afterAll(() => t.cleanup());

  test('when labels are created, then a surname alone resolves to the full name introduced in the same document, and a title becomes the role', async () => {
    expect(a.labels[0].speakerId).toBe(a.labels[1].speakerId);
    expect(a.labels[1]).toMatchObject({ speaker: 'Jon Smyth', speakerAs: 'Smyth' });
    expect(b.labels[0]).toMatchObject({ speaker: 'John Smith' });
    expect(b.labels[0].speakerId).not.toBe(a.labels[0].speakerId);
    const smith = ((await t.http.get(`/api/speakers/${b.labels[0].speakerId}`).expect(200)).body as { role: string });
    expect(smith.role).toBe('Mayor');
  });

  test('when one speaker is merged into another, then every label on every document follows, the alias is kept, the history lists it, and undo brings all back', async () => {
    const from = a.labels[0].speakerId!;
    const into = b.labels[0].speakerId!;
    const merge = (await t.http.post(`/api/speakers/${from}/merge`).send({ into }).expect(200)).body as { id: string; labels: unknown[] };
    expect(merge.labels).toHaveLength(2);
    const onDisk = (await readDocFile(t.dataDir, a.id)).labels;
    expect(onDisk.map((l) => [l.speakerId, l.speaker, l.speakerAs])).toEqual([[into, 'John Smith', 'Jon Smyth'], [into, 'John Smith', 'Smyth']]);
    expect((await readDocFile(t.dataDir, a.id)).events.filter((e) => e.kind === 'speaker.merged')).toHaveLength(2);
    const listed = (await t.http.get('/api/speakers').expect(200)).body as { id: string; aliases: string[]; labelCount: number; outlets: string[] }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: into, labelCount: 3, outlets: ['Courier', 'Ledger'] });
    expect(listed[0].aliases).toEqual(['John Smith', 'Jon Smyth']);
    expect(((await t.http.get('/api/speakers/merges').expect(200)).body as { id: string }[]).map((m) => m.id)).toEqual([merge.id]);

    await t.http.post(`/api/speakers/merges/${merge.id}/undo`).send({}).expect(200);
    const back = (await readDocFile(t.dataDir, a.id)).labels;
    expect(back.map((l) => [l.speakerId, l.speaker])).toEqual([[from, 'Jon Smyth'], [from, 'Jon Smyth']]);
    expect(((await t.http.get('/api/speakers').expect(200)).body as unknown[])).toHaveLength(2);
    expect(((await t.http.get(`/api/speakers/${into}`).expect(200)).body as { aliases: string[] }).aliases).toEqual(['John Smith']);
  });

  test('when a wrongly merged alias is split off, then a new speaker gets the labels written with that spelling only', async () => {
    const from = a.labels[0].speakerId!;
    const into = b.labels[0].speakerId!;
    await t.http.post(`/api/speakers/${from}/merge`).send({ into }).expect(200);
    const created = (await t.http.post(`/api/speakers/${into}/split`).send({ alias: 'Jon Smyth' }).expect(201)).body as { id: string; name: string };
    expect(created.name).toBe('Jon Smyth');
    const labels = (await readDocFile(t.dataDir, a.id)).labels;
    expect(labels.map((l) => [l.speakerId, l.speaker])).toEqual([[created.id, 'Jon Smyth'], [into, 'John Smith']]);
  });

  test('when the editor opens a document, then its speaker list offers every spelling of every speaker entity', async () => {
    const html = (await t.http.get(`/documents/${b.id}`).expect(200)).text;
    const list = html.slice(html.indexOf('<datalist id="speaker-suggestions">'), html.indexOf('</datalist>', html.indexOf('<datalist id="speaker-suggestions">')));
    expect(list).toContain('<option value="John Smith">');
    expect(list).toContain('<option value="Jon Smyth">');
  });

  test('when an editor sets the canonical name and Wikidata id, then every label shows the new name', async () => {
    const id = b.labels[0].speakerId!;
    await t.http.patch(`/api/speakers/${id}`).send({ name: 'John Q. Smith', wikidata: 'Q42' }).expect(200);
    expect((await readDocFile(t.dataDir, b.id)).labels[0]).toMatchObject({ speaker: 'John Q. Smith', speakerId: id, speakerAs: 'Mayor John Smith' });
  });
});

describe('refused speaker changes', () => {
  let t: App;
  let ids: string[] = [];
  beforeAll(async () => {
    t = await startTestApp();
    const d = await docWith(t, 'Ledger', 'Ann Lee said “yes we can do it.” Bo Park said “no we cannot do it.” Cy Diaz said “maybe later on.”', [['yes we can do it.', 'Ann Lee'], ['no we cannot do it.', 'Bo Park'], ['maybe later on.', 'Cy Diaz']]);
    ids = d.labels.map((l) => l.speakerId!);
    await t.http.post(`/api/speakers/${ids[2]}/merge`).send({ into: ids[1] }).expect(200);
  });
  afterAll(() => t.cleanup());
  const { rebaseline } = expectDataUntouchedAfterEach(() => t);

  const unknown = 'sp-00000000-0000-4000-8000-000000000000';
  test.each([
    ['into itself', () => ({ id: ids[0], into: ids[0] }), 400, 'into itself'],
    ['into a merged speaker', () => ({ id: ids[0], into: ids[2] }), 400, 'has been merged'],
    ['a merged speaker', () => ({ id: ids[2], into: ids[0] }), 400, 'already merged'],
    ['an unknown speaker', () => ({ id: unknown, into: ids[0] }), 404, 'no speaker'],
    ['into an unknown speaker', () => ({ id: ids[0], into: unknown }), 404, 'no speaker'],
    ['into something that is no id', () => ({ id: ids[0], into: '../etc' }), 400, 'speaker id'],
  ])('when merging %s, then it is refused with a clear message and nothing changes', async (_what, args, status, message) => {
    const { id, into } = args();
    const res = await t.http.post(`/api/speakers/${id}/merge`).send({ into });
    expect(res.status).toBe(status);
    expect(res.body.error.message).toContain(message);
  });

  test.each([
    ['an alias the speaker does not have', () => ({ id: ids[0], alias: 'Nobody' }), 400, 'not an alias'],
    ['the canonical name', () => ({ id: ids[0], alias: 'Ann Lee' }), 400, 'canonical name'],
    ['an alias of a merged speaker', () => ({ id: ids[2], alias: 'Cy Diaz' }), 400, 'merged'],
  ])('when splitting off %s, then it is refused and nothing changes', async (_what, args, status, message) => {
    const { id, alias } = args();
    const res = await t.http.post(`/api/speakers/${id}/split`).send({ alias });
    expect(res.status).toBe(status);
    expect(res.body.error.message).toContain(message);
  });

  test('when a speaker edit has a bad Wikidata id or URL, then it is refused and nothing changes', async () => {
    expect((await t.http.patch(`/api/speakers/${ids[0]}`).send({ wikidata: 'wikidata:Q1' })).status).toBe(400);
    expect((await t.http.patch(`/api/speakers/${ids[0]}`).send({ url: 'javascript:alert(1)' })).status).toBe(400);
    expect((await t.http.patch(`/api/speakers/${ids[0]}`).send({ name: 'Bo Park' })).status).toBe(409);
  });

  test('when an unknown merge is undone, or a merge is undone twice, then it is refused', async () => {
    expect((await t.http.post('/api/speakers/merges/merge-nope/undo').send({})).status).toBe(404);
    const [merge] = (await t.http.get('/api/speakers/merges').expect(200)).body as { id: string }[];
    await t.http.post(`/api/speakers/merges/${merge.id}/undo`).send({}).expect(200);
    await rebaseline();
    const again = await t.http.post(`/api/speakers/merges/${merge.id}/undo`).send({});
    expect(again.status).toBe(400);
    expect(again.body.error.message).toContain('already been undone');
  });
});

describe('labels written before speakers existed', () => {
  let t: App;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterAll(() => t.cleanup());

  test('when POST /api/speakers/resolve runs, then labels that name a speaker without an id get one, full names first', async () => {
    const id = '000_b5b79bfe33936fda';
    await t.store.update(id, (d) => {
      const base = { rev: 1, quote: { exact: '', prefix: '', suffix: '' }, annotator: 'old', createdAt: 'x', updatedAt: 'x', anchor: { state: 'exact' as const, method: 'created', fromRev: 1 } };
      d.labels.push({ ...base, id: 'l-1', type: 'direct-quote', start: 0, end: 4, speaker: 'Blinken' }, { ...base, id: 'l-2', type: 'direct-quote', start: 5, end: 9, speaker: 'Secretary of State Anthony Blinken' });
    });
    expect((await t.http.post('/api/speakers/resolve').send({}).expect(200)).body).toEqual({ documents: 1, labels: 2 });
    const labels = (await readDocFile(t.dataDir, id)).labels;
    expect(labels.map((l) => l.speaker)).toEqual(['Anthony Blinken', 'Anthony Blinken']);
    expect(labels[0].speakerId).toBe(labels[1].speakerId);
    expect((await t.http.post('/api/speakers/resolve').send({}).expect(200)).body).toEqual({ documents: 0, labels: 0 });
  });
});
