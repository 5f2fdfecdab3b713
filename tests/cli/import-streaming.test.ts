import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DocumentStore } from '../../server/store/document-store.js';
import { snapshotDir, tempDataDir } from '../helpers/app.js';
import { BATCH_LINES } from '../../server/cli/import-batches.js';
import type { DocumentRecord } from '../../server/domain/types.js';

const TSX = resolve('node_modules', '.bin', 'tsx');

async function run(args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, ['server/cli/import.ts', ...args], { env: { ...process.env, DATA_DIR: dataDir }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const line = (v: unknown) => `${JSON.stringify(v)}\n`;

/** What a user sees of every document: id, metadata, the text of each revision and the labels' spans. */
async function corpusOf(dataDir: string): Promise<unknown[]> {
  const store = await DocumentStore.open(dataDir, { readOnly: true });
  const out: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listPage({ sort: 'title', limit: 2, ...(cursor ? { cursor } : {}) });
    for (const s of page.items) {
      const doc = (await store.getDocument(s.id)) as DocumentRecord;
      out.push({
        id: doc.id,
        meta: doc.meta,
        texts: doc.revisions.map((r) => r.text),
        labels: doc.labels.map((l) => [l.type, l.start, l.end, l.rev, l.quote.exact, l.anchor.state, l.annotator]),
      });
    }
    cursor = page.next ?? undefined;
  } while (cursor);
  return out.sort((a, b) => ((a as { id: string }).id < (b as { id: string }).id ? -1 : 1));
}

describe('npm run import, streaming', () => {
  let work: string;
  const dataDirs: string[] = [];
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'framewise-cli-stream-'));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
    for (const d of dataDirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const dataDir = async () => {
    const d = await tempDataDir();
    dataDirs.push(d);
    return d;
  };

  test('when three JSONL files are imported one after another, then the corpus equals the one of a single import of the three', async () => {
    const native = {
      id: 'n1', rev: 1, text: 'The mayor said "we will rebuild".', meta: { title: 'Rebuild', outlet: 'Daily' },
      revisions: [{ rev: 1, createdAt: '2024-01-01T00:00:00.000Z', author: 'ann', message: 'first' }],
      labels: [{ id: 'l1', type: 'direct-quote', start: 15, end: 32, rev: 1, quote: { exact: '"we will rebuild"', prefix: 'The mayor said ', suffix: '.' }, speaker: 'the mayor', annotator: 'ann', createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-01T00:00:00.000Z', anchor: { state: 'exact', method: 'created', fromRev: 1 } }],
      events: [],
    };
    await writeFile(join(work, '1.jsonl'), line({ id: 'a1', title: 'One', text: 'First text.' }) + line({ id: 'a2', title: 'Two', url: 'https://example.org/two', text: 'Second text.' }) + line({ id: 'a3', title: 'Three', text: 'Third text.' }));
    await writeFile(join(work, '2.jsonl'), line(native) + '\n' + line({ id: 'b1', title: 'Bee', outlet: 'Daily', publishedAt: '2024-02-03', text: 'Bee text.' }));
    // A new text for a1 (by id) and for a2 (by its URL), and one new document.
    await writeFile(join(work, '3.jsonl'), line({ id: 'a1', title: 'One', text: 'First text, revised.' }) + line({ title: 'Two', url: 'https://example.org/two', text: 'Second text, revised.' }) + line({ id: 'c1', title: 'Sea', text: 'Sea text.' }));

    const inTurn = await dataDir();
    const outs = [];
    for (const f of ['1.jsonl', '2.jsonl', '3.jsonl']) outs.push(await run([join(work, f), '--annotator', 'ann'], inTurn));
    const oneShot = await dataDir();
    const all = await run([join(work, '1.jsonl'), join(work, '2.jsonl'), join(work, '3.jsonl'), '--annotator', 'ann'], oneShot);

    expect(outs.map((o) => [o.code, o.stdout.split('\n')[0]])).toEqual([
      [0, 'imported: 3 new documents, 0 revised, 0 unchanged, 0 labels (0 already there)'],
      [0, 'imported: 2 new documents, 0 revised, 0 unchanged, 1 labels (0 already there)'],
      [0, 'imported: 1 new documents, 2 revised, 0 unchanged, 0 labels (0 already there)'],
    ]);
    expect([all.code, all.stdout.split('\n')[0]]).toEqual([0, 'imported: 6 new documents, 2 revised, 0 unchanged, 1 labels (0 already there)']);
    const expected = await corpusOf(inTurn);
    expect(expected.map((d) => (d as { id: string }).id)).toEqual(['a1', 'a2', 'a3', 'b1', 'c1', 'n1']);
    expect((expected[0] as { texts: string[] }).texts).toEqual(['First text.', 'First text, revised.']);
    expect((expected[1] as { texts: string[] }).texts).toEqual(['Second text.', 'Second text, revised.']);
    expect(await corpusOf(oneShot)).toEqual(expected);
  });

  test(`when a bad line sits after the first ${BATCH_LINES} lines, then nothing is written and it is named by its line in the file`, async () => {
    const lines = Array.from({ length: BATCH_LINES + 1 }, (_, i) => line({ id: `d${i + 1}`, text: `Text ${i + 1}.` })).join('');
    await writeFile(join(work, 'big.jsonl'), `${lines}{"title": 5, "text": "x"}\n`);
    const dir = await dataDir();
    const data = async () => Object.fromEntries(Object.entries(await snapshotDir(dir)).filter(([name]) => !name.startsWith('catalog.')));
    const before = await data();
    const r = await run([join(work, 'big.jsonl')], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`nothing imported: 1 error(s) (use --skip-bad to import the rest)\nfailed: 1\n  big.jsonl:${BATCH_LINES + 2}: title: Invalid input: expected string, received number\n`);
    expect(await data()).toEqual(before);
  });

  test(`when a file of more than ${BATCH_LINES} lines is dry-run, then the report counts every line and nothing is written`, async () => {
    const lines = Array.from({ length: BATCH_LINES + 5 }, (_, i) => line({ id: `d${i + 1}`, text: `Text ${i + 1}.` })).join('');
    await writeFile(join(work, 'big.jsonl'), lines);
    const dir = await dataDir();
    const data = async () => Object.fromEntries(Object.entries(await snapshotDir(dir)).filter(([name]) => !name.startsWith('catalog.')));
    const before = await data();
    const r = await run([join(work, 'big.jsonl'), '--dry-run'], dir);
    expect([r.code, r.stdout]).toEqual([0, `dry run, nothing written; the import would bring: ${BATCH_LINES + 5} new documents, 0 revised, 0 unchanged, 0 labels (0 already there)\n`]);
    expect(await data()).toEqual(before);
  });
});
