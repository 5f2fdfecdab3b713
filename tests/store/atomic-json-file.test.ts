import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AtomicJSONFile, removeTempFiles, TEMP_PREFIX } from '../../server/store/atomic-json-file.js';
import { tempDataDir } from '../helpers/app.js';

describe('AtomicJSONFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDataDir();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('when the file does not exist, then read gives null', async () => {
    expect(await new AtomicJSONFile(join(dir, 'none.json')).read()).toBeNull();
  });

  it('when the file is not JSON, then read throws a SyntaxError', async () => {
    await writeFile(join(dir, 'bad.json'), '{"id": ');
    await expect(new AtomicJSONFile(join(dir, 'bad.json')).read()).rejects.toThrow(SyntaxError);
  });

  it('when a write resolves, then the file holds exactly that JSON and no temporary file is left', async () => {
    const file = new AtomicJSONFile<{ n: number }>(join(dir, 'a.json'));
    await file.write({ n: 1 });
    expect(await readFile(join(dir, 'a.json'), 'utf8')).toBe('{"n":1}');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('when 100 writes are asked for at once, then every promise resolves and the file holds the last one', async () => {
    const file = new AtomicJSONFile<{ n: number }>(join(dir, 'a.json'));
    await Promise.all(Array.from({ length: 100 }, (_, n) => file.write({ n })));
    expect(await readFile(join(dir, 'a.json'), 'utf8')).toBe('{"n":99}');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('when the folder is gone, then the write rejects and a later write still works', async () => {
    const sub = join(dir, 'sub');
    const file = new AtomicJSONFile<{ n: number }>(join(sub, 'a.json'));
    await expect(file.write({ n: 1 })).rejects.toThrow(/ENOENT/);
    await mkdir(sub);
    await file.write({ n: 2 });
    expect(await readFile(join(sub, 'a.json'), 'utf8')).toBe('{"n":2}');
  });

  it('when temporary files were left by a crash, then removeTempFiles deletes them and only them', async () => {
    await writeFile(join(dir, `${TEMP_PREFIX}a.json.0123456789ab`), '{"half');
    await writeFile(join(dir, 'a.json'), '{}');
    await writeFile(join(dir, 'tmp-note.txt'), 'keep');
    expect(await removeTempFiles(dir)).toEqual([`${TEMP_PREFIX}a.json.0123456789ab`]);
    expect((await readdir(dir)).sort()).toEqual(['a.json', 'tmp-note.txt']);
  });
});
