import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURES_DIR, snapshotDir, startTestApp } from '../helpers/app.js';
import { EMOJI_DOC, startLabelledApp } from '../domain/formats/labelled-corpus.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const fixture = () => readFile(join(FIXTURES_DIR, 'label-studio', 'tasks.json'));
/** Python's `text[start:end]`: Label Studio's converter slices by code points. */
const pythonSlice = (text: string, start: number, end: number) => Array.from(text).slice(start, end).join('');

describe('Label Studio', () => {
  let app: App;
  beforeEach(async () => {
    app = await startTestApp();
  });
  afterEach(() => app.cleanup());

  const importTasks = (body: Buffer | string, query = '') => app.http.post(`/api/import?format=labelstudio&filename=tasks.json${query}`).set('Content-Type', 'application/octet-stream').send(body);

  test('when a Label Studio export is imported, then each task is a document, spans land on the words after an emoji, per-region attributes follow their span, and what is not kept is reported', async () => {
    const res = await importTasks(await fixture(), '&annotator=ls-team');
    expect([res.status, res.body.error]).toEqual([200, undefined]);
    expect([res.body.documents.imported, res.body.labels.imported]).toEqual([2, 2]);
    expect(res.body.skipped).toEqual([
      { file: 'tasks.json', line: 1, item: 'predictions', reason: '1 prediction(s) not imported (only annotations are)' },
      { file: 'tasks.json', line: 1, item: 'annotations.0.result.3', reason: 'a relation result not bound to a span (Framewise keeps only span attributes)' },
      { file: 'tasks.json', line: 1, item: 'annotations.1', reason: 'cancelled in Label Studio' },
    ]);
    expect(res.body.typesAdded).toEqual(['Speaker', 'Quote']);
    const doc = app.store.list().map((e) => app.store.get(e.id)!).find((d) => d.labels.length)!;
    expect(doc.labels.map((l) => [l.type, l.start, l.end, l.quote.exact, l.speaker, l.annotator])).toEqual([
      ['Speaker', 3, 12, 'The mayor', undefined, 'ls-team'],
      ['Quote', 32, 51, '“balanced and fair”', 'the mayor', 'ls-team'],
    ]);
  });

  test('when a task counts offsets in UTF-16 units (older Label Studio), then the span is still placed on its words', async () => {
    const task = { data: { text: '😀😀 Ana left.' }, annotations: [{ completed_by: 1, result: [{ id: 'a', from_name: 'label', to_name: 'text', type: 'labels', value: { start: 5, end: 8, text: 'Ana', labels: ['direct-quote'] } }] }] };
    const res = await importTasks(JSON.stringify([task]));
    expect(res.status).toBe(200);
    const doc = app.store.get(app.store.list()[0].id)!;
    expect(doc.labels.map((l) => [l.start, l.end, l.quote.exact])).toEqual([[5, 8, 'Ana']]);
  });

  test('when a span\'s text is at neither its code-point nor its UTF-16 offsets, then 400 names it and nothing is written', async () => {
    const before = await snapshotDir(app.dataDir);
    const task = { data: { text: 'Ana left.' }, annotations: [{ result: [{ id: 'a', from_name: 'label', to_name: 'text', type: 'labels', value: { start: 0, end: 3, text: 'Bob', labels: ['opinion'] } }] }] };
    const res = await importTasks(JSON.stringify([task]));
    expect([res.status, res.body.error.message]).toEqual([400, 'nothing was imported: tasks.json:1: annotations.0.result.0: value.text "Bob" is not the text at 0-3 (code points) nor at those UTF-16 offsets']);
    expect(await snapshotDir(app.dataDir)).toEqual(before);
  });
});

describe('Label Studio export', () => {
  let source: App;
  beforeAll(async () => {
    source = await startLabelledApp();
  });
  afterAll(() => source.cleanup());

  test('when the labeling config is exported, then it names every project type and the per-region attributes the tasks use', async () => {
    const res = await source.http.get('/api/export?format=labelstudio-config');
    expect([res.status, res.headers['content-type'], res.headers['content-disposition']]).toEqual([200, 'application/xml; charset=utf-8', 'attachment; filename="framewise-labelstudio-config.xml"']);
    expect(res.text).toContain('<Labels name="label" toName="text">\n    <Label value="direct-quote" background="#0072B2"/>');
    expect(res.text).toContain('<Text name="text" value="$text"/>');
    for (const name of ['speaker', 'cue', 'note']) expect(res.text).toContain(`<TextArea name="${name}" toName="text" perRegion="true"`);
    expect(res.text).toContain('<Choices name="sourcing" toName="text" perRegion="true" choice="single">');
  });

  test('when tasks are exported, then every result is bound to the config\'s names and its text is the code-point slice Label Studio\'s converter reads', async () => {
    const res = await source.http.get('/api/export?format=labelstudio');
    const tasks = JSON.parse(res.text) as { data: { text: string; framewise_id: string }; annotations: { completed_by: number; framewise_annotator: string; result: { id: string; from_name: string; to_name: string; type: string; value: { start: number; end: number; text: string | string[]; labels?: string[] } }[] }[] }[];
    expect(tasks).toHaveLength(6);
    const emoji = tasks.find((t) => t.data.framewise_id === EMOJI_DOC)!;
    // the gold layer's document answers are an annotation of their own
    expect(emoji.annotations.map((a) => [a.completed_by, a.framewise_annotator])).toEqual([[1, 'tester'], [2, 'second-annotator'], [3, 'gold']]);
    const config = (await source.http.get('/api/export?format=labelstudio-config')).text;
    for (const task of tasks) {
      for (const a of task.annotations) {
        for (const r of a.result) {
          if (r.from_name.startsWith('q-')) {
            // a document-level answer: no offsets, no region id, bound to a control of the config
            expect([r.to_name, r.id, 'start' in r.value, config.includes(` name="${r.from_name}" toName="text"`)]).toEqual(['text', undefined, false, true]);
            continue;
          }
          expect([r.to_name, ['label', 'speaker', 'cue', 'note', 'sourcing'].includes(r.from_name)]).toEqual(['text', true]);
          if (r.type === 'labels') expect(pythonSlice(task.data.text, r.value.start, r.value.end)).toBe(r.value.text);
          else expect(a.result.some((s) => s.type === 'labels' && s.id === r.id && s.value.start === r.value.start)).toBe(true);
        }
      }
    }
  });
});
