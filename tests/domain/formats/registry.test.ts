import { readFile } from 'node:fs/promises';
import { FORMATS, exportFormatNames, formatsTable, importFormatNames } from '../../../server/domain/formats/registry.js';
import { EXPORT_FORMATS } from '../../../server/services/export.js';
import { IMPORT_FORMATS } from '../../../server/services/import.js';

describe('the format registry', () => {
  test('when the README lists the formats, then its table is exactly the one the registry makes', async () => {
    const readme = await readFile('README.md', 'utf8');
    const table = /<!-- formats-table -->\n([\s\S]*?)\n<!-- \/formats-table -->/.exec(readme)?.[1];
    expect(table).toBe(formatsTable());
  });

  test('when the services list their formats, then they are the registry\'s, each name once', () => {
    expect(new Set(FORMATS.map((f) => f.name)).size).toBe(FORMATS.length);
    expect([...EXPORT_FORMATS]).toEqual(exportFormatNames());
    expect([...IMPORT_FORMATS]).toEqual(importFormatNames());
    expect(exportFormatNames()).toEqual(['jsonl', 'csv', 'csv-answers', 'w3c', 'brat', 'doccano', 'conll', 'labelstudio', 'labelstudio-config', 'claimreview']);
    expect(importFormatNames()).toEqual(['jsonl', 'w3c', 'brat', 'doccano', 'labelstudio', 'files']);
  });
});
