import { EMOJI_DOC, startLabelledApp } from '../domain/formats/labelled-corpus.js';
import { snapshotDir } from '../helpers/app.js';
import { EXPORT_FORMATS } from '../../server/services/export.js';

type App = Awaited<ReturnType<typeof startLabelledApp>>;

const idsOf = (text: string) => text.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
const labelIdsOf = (text: string) => text.trim().split('\n').filter(Boolean).flatMap((l) => (JSON.parse(l) as { labels: { id: string }[] }).labels.map((x) => x.id.slice(-2)));

describe('GET /api/export', () => {
  let app: App;
  beforeAll(async () => {
    app = await startLabelledApp();
  });
  afterAll(() => app.cleanup());

  test.each([
    ['jsonl', 'application/x-ndjson; charset=utf-8', 'framewise-jsonl.jsonl'],
    ['csv', 'text/csv; charset=utf-8; header=present', 'framewise-csv.csv'],
    ['w3c', 'application/x-ndjson; charset=utf-8', 'framewise-w3c.jsonl'],
    ['doccano', 'application/x-ndjson; charset=utf-8', 'framewise-doccano.jsonl'],
    ['conll', 'text/plain; charset=utf-8', 'framewise-conll.conll'],
    ['brat', 'application/x-tar', 'framewise-brat.tar'],
    ['brat&archive=zip', 'application/zip', 'framewise-brat.zip'],
  ])('when format=%s is asked, then it downloads as %s named %s', async (format, type, filename) => {
    const res = await app.http.get(`/api/export?format=${format}`).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${filename}"`);
    expect(res.headers['transfer-encoding']).toBe('chunked');
  });

  test('when documents are chosen (repeated or comma-separated), then only those are exported, in id order', async () => {
    const a = await app.http.get(`/api/export?format=jsonl&document=${EMOJI_DOC}&document=000_b5b79bfe33936fda`);
    const b = await app.http.get(`/api/export?format=jsonl&document=${EMOJI_DOC},000_b5b79bfe33936fda`);
    expect(idsOf(a.text)).toEqual(['000_b5b79bfe33936fda', EMOJI_DOC]);
    expect(b.text).toBe(a.text);
  });

  test('when an outlet is chosen, then only its documents are exported', async () => {
    const res = await app.http.get('/api/export?format=jsonl&outlet=TURAN');
    expect(idsOf(res.text)).toEqual(['001_b1fe9c773694e9ae']);
  });

  test('when a date range is given, then only documents published in it (inclusive) are exported', async () => {
    const res = await app.http.get('/api/export?format=jsonl&from=2022-01-06&to=2022-03-03');
    expect(idsOf(res.text)).toEqual(['002_f9b24e5332cffdf2', '003_975f8ef28e3c2c11']);
  });

  test('when label filters are given, then documents stay and only matching labels are kept', async () => {
    const byType = await app.http.get('/api/export?format=jsonl&type=opinion');
    expect(labelIdsOf(byType.text)).toEqual(['04', '06', '08']);
    const byAnnotator = await app.http.get('/api/export?format=jsonl&annotator=second-annotator');
    expect(labelIdsOf(byAnnotator.text)).toEqual(['04', '08']);
    const noOrphans = await app.http.get('/api/export?format=jsonl&state=exact,moved,fuzzy');
    expect(labelIdsOf(noOrphans.text)).toEqual(['01', '02', '03', '04', '05', '07', '08', '09']);
    const fuzzyOnly = await app.http.get('/api/export?format=csv&state=fuzzy');
    expect(fuzzyOnly.text.split('\r\n').filter(Boolean)).toHaveLength(2);
  });

  test('when a label is orphaned, then offset formats leave it out and csv keeps it with its state', async () => {
    const w3c = await app.http.get('/api/export?format=w3c&document=003_975f8ef28e3c2c11');
    expect(w3c.text).toBe('');
    const csv = await app.http.get('/api/export?format=csv&document=003_975f8ef28e3c2c11');
    expect(csv.text.split('\r\n')[1]).toMatch(/,orphaned$/);
  });

  test('when csv cells start like formulas, then they are prefixed with an apostrophe', async () => {
    const res = await app.http.get('/api/export?format=csv&document=001_b1fe9c773694e9ae&type=direct-quote');
    expect(res.text).toContain(`,"'=HYPERLINK(""http://example.com"",""click"")",`);
  });

  test.each([
    ['format=xml', `format: must be one of ${EXPORT_FORMATS.join(', ')}`],
    ['', `format: must be one of ${EXPORT_FORMATS.join(', ')}`],
    ['format=jsonl&from=2022-13', 'from: must be a date YYYY-MM-DD'],
    ['format=jsonl&state=lost', 'state.0: must be one of exact, moved, fuzzy, orphaned'],
    ['format=brat&archive=rar', 'archive: must be one of tar, zip'],
    ['format=jsonl&from=2023-01-01&to=2022-01-01', 'from: 2023-01-01 is after to (2022-01-01)'],
  ])('when the query is "%s", then 400 says "%s" and nothing changes', async (query, message) => {
    const before = await snapshotDir(app.dataDir);
    const res = await app.http.get(`/api/export?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'invalid_input', message } });
    expect(await snapshotDir(app.dataDir)).toEqual(before);
  });
});

describe('GET /export', () => {
  test('when the page is opened, then it offers every format, the filters and a link to import', async () => {
    const app = await startLabelledApp();
    const res = await app.http.get('/export');
    expect(res.status).toBe(200);
    for (const f of ['jsonl', 'csv', 'w3c', 'brat', 'doccano', 'conll']) expect(res.text).toContain(`name="format" value="${f}"`);
    for (const name of ['document', 'outlet', 'type', 'state', 'annotator', 'from', 'to']) expect(res.text).toContain(`name="${name}"`);
    expect(res.text).toContain('<option value="TURAN">TURAN</option>');
    expect(res.text).toContain('href="/import"');
    expect(res.text).toContain('action="/api/export"');
    await app.cleanup();
  });
});
