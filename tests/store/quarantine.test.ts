import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { moveToQuarantine } from '../../server/store/quarantine.js';
import { tempDataDir } from '../helpers/app.js';

describe('moveToQuarantine', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await tempDataDir();
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('when a name is already taken in quarantine/, then the next file gets -2, -3 and nothing is overwritten', async () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const moved: string[] = [];
    for (const content of ['first', 'second', 'third']) {
      await writeFile(join(dataDir, 'a.json'), content);
      moved.push(await moveToQuarantine(dataDir, join(dataDir, 'a.json'), now));
    }
    const stem = '2026-01-02T03-04-05-678Z-a.json';
    expect(moved).toEqual([stem, `${stem}-2`, `${stem}-3`].map((n) => join(dataDir, 'quarantine', n)));
    expect(await Promise.all(moved.map((m) => readFile(m, 'utf8')))).toEqual(['first', 'second', 'third']);
    expect(await readdir(dataDir)).toEqual(['quarantine']);
  });
});
