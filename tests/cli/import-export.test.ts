import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DocumentStore } from '../../server/store/document-store.js';
import { ProjectStore } from '../../server/store/project-store.js';
import { FIXTURES_DIR, snapshotDir, tempDataDir } from '../helpers/app.js';
import { EXPORT_FORMATS } from '../../server/services/export.js';
import { labelledCorpusDir } from '../domain/formats/labelled-corpus.js';
import { DataDirLock } from '../../server/store/lock.js';

const TSX = resolve('node_modules', '.bin', 'tsx');

async function run(script: 'import' | 'export', args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [`server/cli/${script}.ts`, ...args], { env: { ...process.env, DATA_DIR: dataDir }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run import', () => {
  let work: string;
  let dataDir: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'framewise-cli-'));
    dataDir = await tempDataDir();
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  test('when a server holds the data folder, then the import refuses to run and writes nothing', async () => {
    await writeFile(join(work, 'a.txt'), 'Some text.');
    const lock = await DataDirLock.acquire(dataDir);
    try {
      const before = await snapshotDir(dataDir);
      const r = await run('import', [work], dataDir);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^import refused: .*While the server runs, import through it: the \/import page or POST \/api\/import\.$/m);
      expect(await snapshotDir(dataDir)).toEqual(before);
    } finally {
      lock.releaseSync();
    }
  });

  test('when given a folder of .txt, .md and .html files, then each is a document with title and date derived, and it prints progress and a summary', async () => {
    await writeFile(join(work, 'a.txt'), ' date 2023-04-05 Mayor resigns. She said “enough”.\n\nMore text.');
    await writeFile(join(work, 'b.md'), '# Budget vote\n\nThe council *voted*.');
    await writeFile(join(work, 'c.html'), '<h1>Storm</h1><p>Trees <b>fell</b>.</p><script>x()</script>');
    await writeFile(join(work, 'notes.pdf'), 'ignored');
    const r = await run('import', [work], dataDir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('importing 4 file(s) as files into');
    expect(r.stderr).toContain('[1/3] a\n[2/3] b\n[3/3] c\n');
    expect(r.stdout).toBe('imported: 3 new documents, 0 revised, 0 unchanged, 0 labels (0 already there)\nskipped: 1\n  notes.pdf: file: not a .txt, .md or .html file\n');
    const store = await DocumentStore.open(dataDir);
    expect(store.list().map((e) => [e.id, e.title, e.publishedAt]).sort()).toEqual([['a', 'Mayor resigns.', '2023-04-05'], ['b', 'Budget vote', undefined], ['c', 'Storm', undefined]]);
    expect(store.get('c')!.revisions[0].text).toBe('Storm\n\nTrees fell.');
  });

  test('when given a jsonl file with a bad line, then it imports nothing, prints the failure with file and line, and exits 1', async () => {
    await writeFile(join(work, 'docs.jsonl'), '{"text": "fine"}\n{"title": 5, "text": "x"}\n');
    // The store's catalog cache (catalog.json/.log) is written whenever a store opens; documents and project must not change.
    const data = async () => Object.fromEntries(Object.entries(await snapshotDir(dataDir)).filter(([name]) => !name.startsWith('catalog.')));
    const before = await data();
    const r = await run('import', [join(work, 'docs.jsonl')], dataDir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('nothing imported: 1 error(s) (use --skip-bad to import the rest)\nfailed: 1\n  docs.jsonl:2: title: Invalid input: expected string, received number\n');
    expect(await data()).toEqual(before);
  });

  test('when --skip-bad is given, then the good lines are imported and the bad one listed as skipped', async () => {
    await writeFile(join(work, 'docs.jsonl'), '{"text": "fine"}\n{"title": 5, "text": "x"}\n');
    const r = await run('import', [join(work, 'docs.jsonl'), '--skip-bad'], dataDir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('imported: 1 new documents, 0 revised, 0 unchanged, 0 labels (0 already there)\nskipped: 1\n  docs.jsonl:2: record: title: Invalid input: expected string, received number\n');
  });

  test('when given the brat news folder with --map and --annotator, then mapped types are ours and labels carry the annotator', async () => {
    const r = await run('import', [join(FIXTURES_DIR, 'brat-news'), '--map', 'Person=direct-quote,Organization=opinion', '--annotator', 'ann'], dataDir);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('imported: 13 new documents, 0 revised, 0 unchanged, 119 labels (0 already there)');
    expect(r.stdout.split('\n')[1]).toBe('label types added: Money, Transfer-money, GPE, Merge-org, Report');
    const store = await DocumentStore.open(dataDir);
    expect(store.get('000-introduction')!.labels.filter((l) => l.type === 'direct-quote').map((l) => [l.quote.exact, l.annotator])).toEqual([['Raul Salinas de Gortari', 'ann'], ['former Mexican president', 'ann']]);
    expect((await ProjectStore.open(dataDir)).hasType('Money')).toBe(true);
  });

  test('when the folder has a .ann without its .txt, then nothing is imported and it says which', async () => {
    await mkdir(join(work, 'brat'));
    await writeFile(join(work, 'brat', 'lonely.ann'), 'T1\tX 0 1\ta\n');
    const r = await run('import', [join(work, 'brat')], dataDir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  lonely.ann: no lonely.txt beside it: a .ann needs its .txt\n');
  });
});

describe('npm run export', () => {
  test('when the labelled seeds are exported to a file, then the file is exactly the golden jsonl and it reports counts', async () => {
    const dataDir = await labelledCorpusDir();
    const out = join(dataDir, 'out.jsonl');
    const r = await run('export', ['--format', 'jsonl', '--out', out], dataDir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`exported 6 documents, 9 labels to ${out}\n`);
    expect(await readFile(out, 'utf8')).toBe(await readFile(resolve('tests', 'golden', 'seeds.jsonl'), 'utf8'));
    await rm(dataDir, { recursive: true, force: true });
  });

  test('when conll is exported to standard output with filters and --comments, then the overlap report and left-out labels are printed', async () => {
    const dataDir = await labelledCorpusDir();
    const r = await run('export', ['--format', 'conll', '--comments', '--document', 'emoji-protest', '--type', 'opinion', '--type', 'direct-quote'], dataDir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('“ 21 22 B-direct-quote\n');
    expect(r.stdout).toContain('# doc_id = emoji-protest\n');
    expect(r.stdout).toContain('# labels: 2, tagged: 1, dropped: 1, trimmed: 0, edges inside a token: 0\n');
    expect(r.stderr).toBe('exported 1 documents, 2 labels\nleft out 1 label(s):\n  00000000-0000-4000-8000-000000000008: overlap: a longer label took all its tokens\n');
    await rm(dataDir, { recursive: true, force: true });
  });

  test('when the format is unknown, then it exits 2 with the usage', async () => {
    const r = await run('export', ['--format', 'xml'], await tempDataDir());
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`--format: must be one of ${EXPORT_FORMATS.join(', ')}`);
  });
});

describe('npm run import, twice', () => {
  test('when the same folder is imported again, then nothing is duplicated; a changed file becomes a new revision', async () => {
    const work = await mkdtemp(join(tmpdir(), 'framewise-cli-'));
    const dataDir = await tempDataDir();
    await writeFile(join(work, 'a.txt'), 'Version one.');
    await writeFile(join(work, 'b.txt'), 'Unchanged.');
    await run('import', [work], dataDir);
    await writeFile(join(work, 'a.txt'), 'Version two.');
    const r = await run('import', [work], dataDir);
    expect(r.stdout).toBe('imported: 0 new documents, 1 revised, 1 unchanged, 0 labels (0 already there)\n');
    const store = await DocumentStore.open(dataDir);
    expect(store.get('a')!.revisions.map((x) => x.text)).toEqual(['Version one.', 'Version two.']);
    expect(store.list()).toHaveLength(2);
    await rm(work, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  test('when the second import is a --dry-run, then it prints what it would do and the data folder stays byte-identical', async () => {
    const work = await mkdtemp(join(tmpdir(), 'framewise-cli-'));
    const dataDir = await tempDataDir();
    await writeFile(join(work, 'a.txt'), 'Version one.');
    await writeFile(join(work, 'b.txt'), 'Unchanged.');
    await run('import', [work], dataDir);
    await writeFile(join(work, 'a.txt'), 'Version two.');
    await writeFile(join(work, 'c.txt'), 'New one.');
    // The store's catalog cache (catalog.json/.log) is compacted whenever a store opens; the data is what must not change.
    const data = async () => Object.fromEntries(Object.entries(await snapshotDir(dataDir)).filter(([name]) => !name.startsWith('catalog.')));
    const before = await data();
    const r = await run('import', ['--dry-run', work], dataDir);
    expect([r.code, r.stdout]).toEqual([0, 'dry run, nothing written; the import would bring: 1 new documents, 1 revised, 1 unchanged, 0 labels (0 already there)\n']);
    expect(await data()).toEqual(before);
    expect(Object.keys(before).some((name) => name.startsWith('documents/'))).toBe(true);
    await rm(work, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });
});
