import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURES_DIR, snapshotDir, startTestApp } from '../../helpers/app.js';
import { importFiles } from '../../../server/services/import.js';
import { codePointToUtf16 } from '../../../server/domain/text.js';

const BRAT_DIR = join(FIXTURES_DIR, 'brat-news');

async function bratFiles() {
  const names = (await readdir(BRAT_DIR)).sort();
  return Promise.all(names.map(async (name) => ({ name, content: await readFile(join(BRAT_DIR, name)) })));
}

const options = { format: 'brat' as const, annotator: 'brat-tutorial', skipBad: false, map: {}, now: '2026-01-02T03:04:05.000Z' };

describe('importing the brat news tutorial', () => {
  test('when the folder is imported, then every T line becomes a label whose text is the T line\'s text', async () => {
    const app = await startTestApp();
    const report = await importFiles(app.store, app.project, await bratFiles(), options);
    expect(report.errors).toEqual([]);
    expect(report.committed).toBe(true);
    expect(report.documents.imported).toBe(13);
    let checked = 0;
    for (const name of (await readdir(BRAT_DIR)).filter((n) => n.endsWith('.ann'))) {
      const id = name.replace(/\.ann$/, '');
      const doc = app.store.get(id)!;
      const rawText = await readFile(join(BRAT_DIR, `${id}.txt`), 'utf8');
      const tLines = (await readFile(join(BRAT_DIR, name), 'utf8')).split('\n').filter((l) => /^T\d+\t/.test(l));
      expect(doc.labels).toHaveLength(tLines.length);
      for (const line of tLines) {
        const [, typeAndSpan, text] = line.split('\t');
        const [type, s, e] = typeAndSpan.split(' ');
        const start = codePointToUtf16(rawText, Number(s))!;
        const end = codePointToUtf16(rawText, Number(e))!;
        const label = doc.labels.find((l) => l.type === type && l.start === start && l.end === end);
        expect({ line, exact: label?.quote.exact }).toEqual({ line, exact: text });
        checked++;
      }
    }
    expect(checked).toBe(119);
    expect(report.labels.imported).toBe(119);
    await app.cleanup();
  });

  test('when the folder is imported, then brat types are added to the project and other line kinds are reported as skipped', async () => {
    const app = await startTestApp();
    const report = await importFiles(app.store, app.project, await bratFiles(), options);
    expect(report.typesAdded).toEqual(['Organization', 'Money', 'Transfer-money', 'Person', 'GPE', 'Merge-org', 'Report']);
    expect(app.project.labelTypes().find((t) => t.id === 'Organization')).toEqual({ id: 'Organization', name: 'Organization', color: expect.stringMatching(/^#[0-9A-F]{6}$/) });
    const kinds = new Set(report.skipped.map((s) => s.item.replace(/\d+$/, '')));
    expect(kinds).toEqual(new Set(['E', 'R', 'A', 'N', '*', '#', 'file']));
    expect(report.skipped.filter((s) => s.item === 'file')).toEqual([
      { file: 'LICENSE.md', item: 'file', reason: 'not a .txt or .ann file' },
      { file: 'annotation.conf', item: 'file', reason: 'brat configuration: the types come from the .ann files' },
      { file: 'visual.conf', item: 'file', reason: 'brat configuration: the types come from the .ann files' },
    ]);
    expect(report.skipped.find((s) => s.item === 'A1' && s.file === '000-introduction.ann')).toEqual({ file: '000-introduction.ann', line: 12, item: 'A1', reason: 'the attribute Mention=Name on T4 has no Framewise equivalent' });
    // AnnotatorNotes on a T span become the label's note.
    const intro = app.store.get('000-introduction')!;
    expect(intro.labels.find((l) => l.quote.exact === '$100 million')?.note).toBe('100000000 USD');
    expect(intro.labels.every((l) => l.annotator === 'brat-tutorial' && l.anchor.state === 'exact')).toBe(true);
    await app.cleanup();
  });

  test('when brat types are mapped, then labels get our types and no type is added for them', async () => {
    const app = await startTestApp();
    const report = await importFiles(app.store, app.project, await bratFiles(), { ...options, map: { Person: 'direct-quote', Organization: 'opinion' } });
    expect(report.typesAdded).not.toContain('Person');
    expect(report.typesAdded).not.toContain('Organization');
    expect(app.store.get('000-introduction')!.labels.filter((l) => l.type === 'opinion').map((l) => l.quote.exact)).toEqual(['Citibank', 'banks']);
    await app.cleanup();
  });

  test('when a .ann has no .txt, then nothing is imported and the data folder is unchanged', async () => {
    const app = await startTestApp();
    const before = await snapshotDir(app.dataDir);
    const files = (await bratFiles()).filter((f) => f.name !== '040-text_span_annotation.txt');
    const report = await importFiles(app.store, app.project, files, options);
    expect(report.committed).toBe(false);
    expect(report.errors).toEqual([{ file: '040-text_span_annotation.ann', message: 'no 040-text_span_annotation.txt beside it: a .ann needs its .txt' }]);
    expect(await snapshotDir(app.dataDir)).toEqual(before);
    expect(app.store.list()).toEqual([]);
    await app.cleanup();
  });

  test('when skip-bad is asked, then the pair with the problem is skipped and the rest imported', async () => {
    const app = await startTestApp();
    const files = (await bratFiles()).filter((f) => f.name !== '040-text_span_annotation.txt');
    const report = await importFiles(app.store, app.project, files, { ...options, skipBad: true });
    expect(report.committed).toBe(true);
    expect(report.documents.imported).toBe(12);
    expect(report.skipped).toContainEqual({ file: '040-text_span_annotation.ann', item: 'record', reason: 'no 040-text_span_annotation.txt beside it: a .ann needs its .txt' });
    await app.cleanup();
  });
});
