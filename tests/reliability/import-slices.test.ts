import fc from 'fast-check';
import { startTestApp } from '../helpers/app.js';
import { decodeInSlices, importFiles, type ImportOptions } from '../../server/services/import.js';
import { jsonRecords, textOf, textOfSteps, TEXT_SLICE_BYTES } from '../../server/domain/formats/decode-text.js';
import { parseJsonLines } from '../../server/domain/formats/jsonl.js';
import { formatNamed } from '../../server/domain/formats/registry.js';
import { runSteps, TooManyRecords, type DecodeContext } from '../../server/domain/formats/format.js';
import { emptyImportReport, type ImportReport } from '../../server/domain/formats/report.js';
import type { NamedFile } from '../../server/domain/formats/archive.js';

/**
 * An import decodes its files in steps (server/services/import.ts, `decodeInSlices`): a file's bytes
 * a megabyte at a time, its lines one at a time, with a turn of the event loop for other requests
 * every few milliseconds. The steps must read exactly what one synchronous pass reads.
 */

const ctxOf = (report: ImportReport, maxRecords = 210_010): DecodeContext => ({ map: {}, maxTextLength: 2_000_000, maxRecords, limitsText: 'the test limits', report });

/** The reading before it was done in steps: one `split('\n')`, every line trimmed and parsed. */
function parseJsonLinesInOnePass(content: string, file: string) {
  const values: { line: number; value: unknown }[] = [];
  const errors: { file: string; line: number; message: string }[] = [];
  const lines = content.replace(/^\uFEFF/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    try {
      values.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (err) {
      errors.push({ file, line: i + 1, message: `not valid JSON: ${(err as Error).message}` });
    }
  }
  return { values, errors };
}

/** Counts the event loop's turns (setImmediate callbacks) until stopped. */
function turnCounter(): { turns: () => number; stop: () => void } {
  let turns = 0;
  let on = true;
  const tick = () => {
    if (!on) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return { turns: () => turns, stop: () => void (on = false) };
}

describe('import decoding in steps', () => {
  test('when JSONL content of blank, padded, broken, BOM-led and CRLF lines is parsed line by line, then the values and the errors with their line numbers are those of one split', () => {
    const pieces = ['{"a":1}', '', '   ', '\r', '{"b":[1,2]}\r', 'not json', '  {"c":"x"}  ', '\uFEFF{"d":2}', '[1]', '"s"', '{', '\t'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), fc.boolean(), fc.boolean(), (lines, bom, trailing) => {
        const content = `${bom ? '\uFEFF' : ''}${lines.join('\n')}${trailing ? '\n' : ''}`;
        expect(parseJsonLines(content, 'f.jsonl')).toEqual(parseJsonLinesInOnePass(content, 'f.jsonl'));
      }),
      { numRuns: 300 },
    );
  });

  test('when a file of more than a slice has a four-byte character cut by the slice boundary, then the text read in slices is the text read at once', () => {
    const emoji = Buffer.from('😀', 'utf8');
    for (const cut of [1, 2, 3]) {
      const head = Buffer.alloc(TEXT_SLICE_BYTES - cut, 'a'.charCodeAt(0));
      const content = Buffer.concat([Buffer.from('\uFEFF'), head.subarray(3), emoji, Buffer.from(' é ü 中文\n'.repeat(50_000))]);
      const report = emptyImportReport('jsonl');
      const stepped = runSteps(textOfSteps({ name: 'big.jsonl', content }, report));
      expect(stepped).toBe(textOf({ name: 'big.jsonl', content }, report));
      expect(stepped!.slice(TEXT_SLICE_BYTES - cut - 3, TEXT_SLICE_BYTES - cut - 1)).toBe('😀');
      expect(report.errors).toEqual([]);
    }
  });

  test('when a file of several slices holds a broken byte after the first slice or ends inside a character, then it is reported as not UTF-8, as read at once', () => {
    const big = Buffer.alloc(TEXT_SLICE_BYTES * 2 + 10, 'a'.charCodeAt(0));
    const badLater = Buffer.from(big);
    badLater[TEXT_SLICE_BYTES + 5] = 0xff;
    const cutAtEnd = Buffer.concat([big, Buffer.from('😀', 'utf8').subarray(0, 2)]);
    for (const content of [badLater, cutAtEnd]) {
      const report = emptyImportReport('jsonl');
      expect(runSteps(textOfSteps({ name: 'x.jsonl', content }, report))).toBeNull();
      expect(textOf({ name: 'x.jsonl', content }, emptyImportReport('jsonl'))).toBeNull();
      expect(report.errors).toEqual([{ file: 'x.jsonl', message: 'not UTF-8 text' }]);
    }
  });

  test('when a file has as many lines as the record limit, then it is read; one line more, then it is refused, as split counts them', () => {
    const ok = '{}\n'.repeat(4); // four newlines: five pieces, the limit
    const over = '{}\n'.repeat(5);
    expect(ok.split('\n').length).toBe(5);
    expect(jsonRecords(ok, 'ok.jsonl', ctxOf(emptyImportReport('jsonl'), 5), () => null)).toHaveLength(4);
    expect(() => jsonRecords(over, 'over.jsonl', ctxOf(emptyImportReport('jsonl'), 5), () => null)).toThrow(new TooManyRecords('over.jsonl has more than 5 lines; the limit is the test limits'));
  });

  test('when 60 files of 512 KB of zero bytes (the many-entry zip of the hostile bench) are decoded, then the event loop turns meanwhile and the errors are those of the synchronous decode', async () => {
    const jsonl = formatNamed('jsonl')!;
    const files: NamedFile[] = Array.from({ length: 60 }, (_, i) => ({ name: `e${i}.jsonl`, content: new Uint8Array(512 * 1024) }));
    const syncReport = emptyImportReport('jsonl');
    const syncDecoded = jsonl.decode!(files, ctxOf(syncReport));

    const report = emptyImportReport('jsonl');
    const counter = turnCounter();
    const decoded = await decodeInSlices(jsonl, files, ctxOf(report));
    counter.stop();

    expect(counter.turns()).toBeGreaterThan(0);
    expect(decoded).toEqual(syncDecoded);
    expect(report.errors).toEqual(syncReport.errors);
    expect(report.errors).toHaveLength(60);
    expect(report.errors[59]).toMatchObject({ file: 'e59.jsonl', line: 1, message: expect.stringMatching(/^not valid JSON: /) });
  });

  test('when formats read in steps decode documents, labels and W3C annotations, then the result and the report equal the synchronous decode', async () => {
    const jsonlLines = Array.from({ length: 300 }, (_, i) => JSON.stringify(i % 50 === 7 ? { title: 5, text: 'x' } : { id: `d${i}`, title: `Doc ${i}`, text: `Text ${i} with a quote, said the minister.` })).join('\n');
    const doccanoLines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `c${i}`, text: 'The minister said the plan is ready.', label: i % 40 === 3 ? [[0, 999, 'opinion']] : [[4, 12, 'speaker']] })).join('\n');
    const w3c = Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: `a${i}`, type: i % 30 === 1 ? 'Note' : 'Annotation', body: { type: 'TextualBody', purpose: 'classifying', value: 'opinion' }, target: { source: `urn:framewise:document:d${i}`, selector: [{ type: 'TextQuoteSelector', exact: 'quote' }] } })).join('\n');
    const labelStudio = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ id: i, data: { text: `Task ${i}: the minister spoke.` }, annotations: [{ result: [{ type: 'labels', value: { start: 0, end: 4, labels: ['opinion'] } }] }] })), null, 2);
    const cases: [string, NamedFile[]][] = [
      ['jsonl', [{ name: 'a.jsonl', content: Buffer.from(jsonlLines) }, { name: 'bad.jsonl', content: Buffer.from([0xff, 0x0a]) }, { name: 'b.jsonl', content: Buffer.from(jsonlLines.replace(/"d(\d+)"/g, '"e$1"')) }]],
      ['doccano', [{ name: 'c.jsonl', content: Buffer.from(doccanoLines) }]],
      ['w3c', [{ name: 'w.jsonl', content: Buffer.from(w3c) }]],
      ['labelstudio', [{ name: 'ls.json', content: Buffer.from(labelStudio) }]],
    ];
    for (const [name, files] of cases) {
      const format = formatNamed(name)!;
      const syncReport = emptyImportReport(name);
      const syncDecoded = format.decode!(files, ctxOf(syncReport));
      const report = emptyImportReport(name);
      const decoded = await decodeInSlices(format, files, ctxOf(report));
      expect([name, decoded, report]).toEqual([name, syncDecoded, syncReport]);
      expect(decoded.documents.length + decoded.attached.length).toBeGreaterThan(0);
    }
  });

  test('when a 20,000-line JSONL upload is imported and every line is refused, then other callbacks run while it is decoded and the report names every line', async () => {
    const t = await startTestApp();
    try {
      const body = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ title: i, text: `Text number ${i}.` })).join('\n');
      const options: ImportOptions = { format: 'jsonl', annotator: 'imp', skipBad: false, map: {}, now: '2026-01-01T00:00:00.000Z' };
      const counter = turnCounter();
      const report = await importFiles(t.store, t.project, [{ name: 'big.jsonl', content: Buffer.from(body) }], options);
      counter.stop();
      expect(counter.turns()).toBeGreaterThan(0);
      expect([report.committed, report.errors.length, report.errors[0], report.errors[19_999]]).toEqual([
        false,
        20_000,
        { file: 'big.jsonl', line: 1, message: 'title: Invalid input: expected string, received number' },
        { file: 'big.jsonl', line: 20_000, message: 'title: Invalid input: expected string, received number' },
      ]);
    } finally {
      await t.cleanup();
    }
  });
});
