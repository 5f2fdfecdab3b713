import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWithStamp } from '../../server/store/document-store.js';

describe('readWithStamp (how the store reads a document file)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fw-read-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('when a file holds multi-byte text, then its exact text and its stat size and time come back', async () => {
    const file = join(dir, 'doc.json');
    const text = `{"text":"${'Ünïcödé “quotes” 👍 '.repeat(5000)}"}`;
    await writeFile(file, text);
    const s = await stat(file);
    const got = await readWithStamp(file);
    expect(got?.text).toBe(text);
    expect(got?.stamp).toEqual({ size: Buffer.byteLength(text), mtimeMs: s.mtimeMs });
  });

  test('when a file is empty, then the text is empty', async () => {
    const file = join(dir, 'empty.json');
    await writeFile(file, '');
    expect(await readWithStamp(file)).toEqual({ text: '', stamp: { size: 0, mtimeMs: (await stat(file)).mtimeMs } });
  });

  test('when the file does not exist, then the answer is null', async () => {
    expect(await readWithStamp(join(dir, 'missing.json'))).toBeNull();
  });

  test('when a file holds more than its stat said (it grew after the stat), then it is read to its end', async () => {
    // A /proc file stats as 0 bytes and holds more: the read after the stat meets more than the stat said.
    const got = await readWithStamp('/proc/self/status');
    expect(got?.stamp.size).toBe(0);
    const now = readFileSync('/proc/self/status', 'utf8');
    expect(got!.text.length).toBeGreaterThan(200);
    expect(got!.text.split('\n')[0]).toBe(now.split('\n')[0]);
    expect(got!.text.endsWith('\n')).toBe(true);
  });
});
