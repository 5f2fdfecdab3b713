import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURES_DIR, snapshotDir, startTestApp } from '../../helpers/app.js';
import { importFiles } from '../../../server/services/import.js';

const DOCCANO_DIR = join(FIXTURES_DIR, 'doccano');
const options = { format: 'doccano' as const, annotator: 'doccano-user', skipBad: false, map: {}, now: '2026-01-02T03:04:05.000Z' };

async function file(name: string) {
  return { name, content: await readFile(join(DOCCANO_DIR, name)) };
}

function spans(app: Awaited<ReturnType<typeof startTestApp>>) {
  return app.store.list().map((e) => app.store.get(e.id)!).sort((a, b) => a.revisions[0].text.localeCompare(b.revisions[0].text)).map((d) => ({
    text: d.revisions[0].text,
    labels: d.labels.map((l) => [l.start, l.end, l.type, l.quote.exact, l.annotator]),
  }));
}

describe('importing doccano files', () => {
  test('when the sequence-labelling example is imported, then each line is a document with its spans', async () => {
    const app = await startTestApp();
    const report = await importFiles(app.store, app.project, [await file('data_export__pipeline__examples__sequence_labeling__example.jsonl')], options);
    expect(report.errors).toEqual([]);
    expect(report.documents.imported).toBe(3);
    expect(report.typesAdded).toEqual(['ORG', 'MISC', 'PERSON']);
    expect(spans(app)).toEqual([
      { text: 'EU rejects German call to boycott British lamb.', labels: [[0, 2, 'ORG', 'EU', 'doccano-user'], [11, 17, 'MISC', 'German', 'doccano-user']] },
      { text: 'Peter Blackburn', labels: [[0, 15, 'PERSON', 'Peter Blackburn', 'doccano-user']] },
      { text: 'President Obama', labels: [[10, 15, 'PERSON', 'Obama', 'doccano-user']] },
    ]);
    await app.cleanup();
  });

  test('when the relation-extraction export (one pretty-printed JSON object) is imported, then its entities are labels and its relations are reported as skipped', async () => {
    const app = await startTestApp();
    const name = 'data_export__pipeline__examples__relation_extraction__example.jsonl';
    const report = await importFiles(app.store, app.project, [await file(name)], options);
    expect(report.errors).toEqual([]);
    expect(spans(app)).toEqual([
      {
        text: 'Google was founded on September 4, 1998, by Larry Page and Sergey Brin.',
        labels: [[0, 6, 'ORG', 'Google', 'doccano-user'], [22, 39, 'DATE', 'September 4, 1998', 'doccano-user'], [44, 54, 'PERSON', 'Larry Page', 'doccano-user'], [59, 70, 'PERSON', 'Sergey Brin', 'doccano-user']],
      },
    ]);
    expect(report.skipped).toEqual([{ file: name, line: 1, item: 'relations', reason: '3 relation(s) not imported (Framewise has no relations)' }]);
    await app.cleanup();
  });

  test('when a line has no text, then nothing is imported, the error names file and line, and the data folder is unchanged', async () => {
    const app = await startTestApp();
    const before = await snapshotDir(app.dataDir);
    const name = 'data_import__tests__data__sequence_labeling__example.jsonl';
    const report = await importFiles(app.store, app.project, [await file(name)], options);
    expect(report.committed).toBe(false);
    expect(report.errors).toEqual([{ file: name, line: 3, message: 'the line has no "text" string' }]);
    expect(await snapshotDir(app.dataDir)).toEqual(before);
    await app.cleanup();
  });

  test('when that file is imported with skip-bad, then the two good lines are imported and meta it cannot keep is reported', async () => {
    const app = await startTestApp();
    const name = 'data_import__tests__data__sequence_labeling__example.jsonl';
    const report = await importFiles(app.store, app.project, [await file(name)], { ...options, skipBad: true });
    expect(report.committed).toBe(true);
    expect(spans(app)).toEqual([
      { text: 'exampleA', labels: [[0, 1, 'LOC', 'e', 'doccano-user']] },
      { text: 'exampleB', labels: [] },
    ]);
    expect(report.skipped).toEqual([
      { file: name, line: 1, item: 'meta.wikiPageID', reason: 'not kept (Framewise keeps title, outlet, author, url, publishedAt, language)' },
      { file: name, line: 2, item: 'meta.wikiPageID', reason: 'not kept (Framewise keeps title, outlet, author, url, publishedAt, language)' },
      { file: name, line: 3, item: 'record', reason: 'the line has no "text" string' },
    ]);
    await app.cleanup();
  });

  test('when a span is duplicated, then it is imported once and the duplicate reported', async () => {
    const app = await startTestApp();
    const name = 'data_import__tests__data__sequence_labeling__example_overlapping.jsonl';
    const report = await importFiles(app.store, app.project, [await file(name)], options);
    expect(spans(app)).toEqual([{ text: 'exampleA', labels: [[0, 1, 'LOC', 'e', 'doccano-user']] }]);
    expect(report.skipped).toContainEqual({ file: name, line: 1, item: 'label 2', reason: 'it repeats an earlier label (0-1 LOC)' });
    await app.cleanup();
  });

  test('when offsets count code points past an emoji, then the stored UTF-16 span covers the same characters', async () => {
    const app = await startTestApp();
    const line = JSON.stringify({ text: '😀😀 Ana said “hi”.', label: [[3, 6, 'PER']] });
    await importFiles(app.store, app.project, [{ name: 'e.jsonl', content: Buffer.from(line) }], options);
    expect(spans(app)).toEqual([{ text: '😀😀 Ana said “hi”.', labels: [[5, 8, 'PER', 'Ana', 'doccano-user']] }]);
    await app.cleanup();
  });

  test('when a span ends past the text, then the error says so in code points and nothing is imported', async () => {
    const app = await startTestApp();
    const line = JSON.stringify({ text: '😀 short', label: [[2, 40, 'PER']] });
    const report = await importFiles(app.store, app.project, [{ name: 'bad.jsonl', content: Buffer.from(line) }], options);
    expect(report.errors).toEqual([{ file: 'bad.jsonl', line: 1, message: 'label 1: the span 2-40 is past the end of the text (7 code points)' }]);
    expect(app.store.list()).toEqual([]);
    await app.cleanup();
  });
});
