import { gzipSync } from 'node:zlib';
import { expectDataUntouchedAfterEach, FIRST_SEED, startTestApp } from '../helpers/app.js';
import { createDocument } from '../../server/domain/documents.js';
import { encodeNativeLine } from '../../server/domain/formats/jsonl.js';
import { statusOfAnnouncedUpload } from '../helpers/announced-upload.js';
import { IMPORT_LIMITS } from '../../server/services/import.js';
import { tarGzOfZeros, tarHeaderOnly, zipLyingAboutSize, zipOfMany, zipSharingData } from '../helpers/hostile-archives.js';

/** Hostile imports: each gets a clear 4xx, the data folder stays byte-identical, the server keeps answering. */
describe('hostile imports', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  let authorization = '';
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
    authorization = `Bearer ${await t.token()}`;
  });
  afterAll(() => t.cleanup());
  expectDataUntouchedAfterEach(() => t);

  const importJsonl = (body: string) => t.http.post('/api/import?format=jsonl').set('content-type', 'application/x-ndjson').send(body);

  it('when a JSONL file holds a million tiny records, then 413 too_many_records', async () => {
    const res = await importJsonl('{}\n'.repeat(1_000_000));
    expect([res.status, res.body.error.code]).toEqual([413, 'too_many_records']);
    expect(res.body.error.message).toMatch(/limit is 10000 documents/);
  });

  it('when a JSONL line is nested 100,000 levels deep, then 400 names the line and nothing is imported', async () => {
    const res = await importJsonl('['.repeat(100_000) + ']'.repeat(100_000) + '\n');
    expect([res.status, res.body.error.message]).toEqual([400, 'nothing was imported: upload.jsonl:1: a line must be a JSON object']);
  });

  it('when a simple JSONL line carries a __proto__ key, then 400 and nothing is polluted', async () => {
    const res = await importJsonl('{"__proto__":{"polluted":true},"id":"simple-doc","title":"t","text":"Hello there."}\n');
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_import']);
    expect(res.body.error.message).toContain('"__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('when a native JSONL line carries __proto__ and constructor keys in its meta, then 400 and they never reach a document file', async () => {
    const doc = createDocument({ id: 'proto-doc', body: 'Some text here.', format: 'text', meta: { title: 'x' }, author: 'a', now: '2026-01-01T00:00:00.000Z' });
    const line = encodeNativeLine(doc).replace('"meta":{', '"meta":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},');
    const res = await importJsonl(line);
    expect([res.status, res.body.error?.code]).toEqual([400, 'invalid_import']);
    expect(res.body.error.message).toMatch(/"__proto__"|"constructor"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('when a JSONL record names a document id with path traversal, then it is refused with a 4xx', async () => {
    const res = await importJsonl(JSON.stringify({ id: '../../escape', text: 'Some text.', meta: { title: 'x' } }) + '\n');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_import');
  });

  it('when a 51 MB upload is announced, then 413 comes back before the body is sent', async () => {
    expect(await statusOfAnnouncedUpload(t.app, '/api/import?format=jsonl', 'application/x-ndjson', 51 * 1024 * 1024, '{"text": "', { authorization })).toBe(413);
  });

  it('when the import file is not JSON at all, then 400 names the line', async () => {
    const res = await importJsonl('<script>alert(1)</script>\n');
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_import']);
    expect(res.body.error.message).toMatch(/^nothing was imported: upload\.jsonl:1: /);
  });

  it('when a native line holds a label past the end of its text, then 400 and nothing is imported', async () => {
    const doc = createDocument({ id: FIRST_SEED, body: 'Short.', format: 'text', meta: { title: 'x' }, author: 'a', now: '2026-01-01T00:00:00.000Z' });
    const label = { id: 'l1', type: 'opinion', start: 0, end: 10 ** 9, rev: 1, quote: { exact: 'x', prefix: '', suffix: '' }, annotator: 'a', createdAt: 'x', updatedAt: 'x', anchor: { state: 'exact', method: 'created', fromRev: 1 } };
    const res = await importJsonl(encodeNativeLine({ ...doc, labels: [label as never] }));
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_import']);
  });

  it('when native lines carry a javascript: URL, an object outlet or a numeric date, then each is a 400 and the corpus pages keep answering', async () => {
    const doc = createDocument({ id: 'evil-meta', body: 'Some text here.', format: 'text', meta: { title: 'x' }, author: 'a', now: '2026-01-01T00:00:00.000Z' });
    for (const [meta, message] of [
      [{ title: 'x', url: 'javascript:alert(document.domain)' }, 'meta.url: must be an http:// or https:// URL'],
      [{ title: 'x', outlet: { x: 1 } }, 'meta.outlet: must be a string, not object'],
      [{ title: 'x', publishedAt: 20220101 }, 'meta.publishedAt: must be a string, not number'],
    ] as const) {
      const res = await importJsonl(encodeNativeLine({ ...doc, meta: meta as never }));
      expect([res.status, res.body.error.message]).toEqual([400, `nothing was imported: upload.jsonl:1: ${message}`]);
    }
    expect([(await t.http.get('/compare')).status, (await t.http.get('/outlets')).status]).toEqual([200, 200]);
  });

  describe('archives', () => {
    const post = (query: string, body: Buffer) => t.http.post(`/api/import?${query}`).set('content-type', 'application/octet-stream').send(body);
    const stillServing = async () => expect((await t.http.get('/api/documents')).status).toBe(200);

    it('when a 512-byte .tar has one header claiming 300 MB and no data, then 400 says the archive ends early and the server keeps serving', async () => {
      const res = await post('format=jsonl&filename=x.tar', tarHeaderOnly('x.jsonl', 300 * 1024 * 1024));
      expect([res.status, res.body.error.code, res.body.error.message]).toEqual([400, 'invalid_archive', 'x.tar: not a readable .tar archive: Unexpected end of data']);
      await stillServing();
    });

    it('when a .tar.gz holds a tar header with a forged size, then 400', async () => {
      const res = await post('format=brat&filename=x.tar.gz', gzipSync(tarHeaderOnly('x.txt', 300 * 1024 * 1024)));
      expect([res.status, res.body.error.message]).toEqual([400, 'x.tar.gz: not a readable .tar.gz archive: Unexpected end of data']);
      await stillServing();
    });

    it('when a .tar.gz really inflates past the limit, then 413 once the inflated bytes pass it', async () => {
      const res = await post('format=brat&filename=big.tar.gz', await tarGzOfZeros('big.txt', IMPORT_LIMITS.archiveBytes + 1024 * 1024));
      expect([res.status, res.body.error.message]).toEqual([413, `big.tar.gz: the archive expands to more than ${IMPORT_LIMITS.archiveBytes} bytes; the limit is ${IMPORT_LIMITS.archiveBytes} (200 MB)`]);
      await stillServing();
    });

    it('when a zip entry declares 1 byte but inflates to 50 MB, then 400 names the entry at once', async () => {
      const res = await post('format=brat&filename=lie.zip', zipLyingAboutSize('a.txt', 50 * 1024 * 1024, 1));
      expect([res.status, res.body.error.message]).toEqual([400, 'lie.zip: a.txt: the entry inflates to more than the 1 bytes it declares']);
      await stillServing();
    });

    it('when 20 zip directory entries share the same 1 MB of data, then the data is read once, as one entry, and the import is refused for what it holds', async () => {
      const res = await post('format=jsonl&filename=shared.zip', zipSharingData(20, 1024 * 1024));
      expect([res.status, res.body.error.code]).toEqual([400, 'invalid_import']);
      expect(res.body.error.message).toMatch(/^nothing was imported: a0000\.txt:1: not valid JSON/);
      await stillServing();
    });

    it('when a zip holds more entries than the limit, then 413 says how many are allowed', async () => {
      const res = await post('format=files&filename=many.zip', zipOfMany(IMPORT_LIMITS.archiveFiles + 1, 0));
      expect([res.status, res.body.error.message]).toEqual([413, `many.zip: the archive holds more than ${IMPORT_LIMITS.archiveFiles} entries; the limit is ${IMPORT_LIMITS.archiveFiles}`]);
      await stillServing();
    });

    it('when a 20 KB zip holds 401 entries that each declare 512 KB, then 413 from its directory, before anything is inflated', async () => {
      const res = await post('format=files&filename=wide.zip', zipOfMany(401, 1, 512 * 1024));
      expect([res.status, res.body.error.message]).toEqual([413, `wide.zip: the archive declares ${401 * 512 * 1024} bytes once inflated; the limit is ${IMPORT_LIMITS.archiveBytes} (200 MB)`]);
      await stillServing();
    });
  });
});

