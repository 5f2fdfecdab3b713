import { zipSync } from 'fflate';
import { ArchiveBroken, ArchiveTooLarge, readArchive } from '../../server/domain/formats/archive.js';

/**
 * Zip entries are inflated by Node's zlib on the thread pool (server/domain/formats/archive.ts): the
 * event loop keeps turning while hundreds of entries inflate, the contents are exact, and a damaged
 * entry or one past the limit still stops the read.
 */
const LIMITS = { files: 20_010, bytes: 200 * 1024 * 1024 };

describe('zip entries inflated off the main thread', () => {
  test('when a zip of 400 entries of 512 KB each (200 MB, the limit) is read, then other work runs before the read ends and every entry comes out exact', async () => {
    const entry = new Uint8Array(512 * 1024).fill(0x61);
    entry[7] = 0x62;
    const files: Record<string, [Uint8Array, { level: 9 }]> = {};
    for (let i = 0; i < 400; i++) files[`e${i}.jsonl`] = [entry, { level: 9 }];
    const order: string[] = [];

    const reading = readArchive('many.zip', zipSync(files), LIMITS).then((c) => {
      order.push('archive');
      return c;
    });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 0));
    order.push('other work');
    const contents = await reading;

    expect(order).toEqual(['other work', 'archive']);
    expect(contents.files).toHaveLength(400);
    expect(contents.files.map((f) => f.name)).toEqual(Array.from({ length: 400 }, (_, i) => `e${i}.jsonl`));
    for (const f of contents.files) expect(Buffer.from(f.content).equals(Buffer.from(entry))).toBe(true);
  }, 60_000);

  test('when stored and deflated entries are mixed, then each comes out byte for byte', async () => {
    const text = new TextEncoder().encode('{"text":"Café “quoted”"}\n');
    const contents = await readArchive('mixed.zip', zipSync({ 'a.jsonl': [text, { level: 0 }], 'b.jsonl': [text, { level: 6 }], 'empty.jsonl': [new Uint8Array(0), { level: 6 }] }), LIMITS);
    expect(contents.files.map((f) => [f.name, new TextDecoder().decode(f.content)])).toEqual([
      ['a.jsonl', '{"text":"Café “quoted”"}\n'],
      ['b.jsonl', '{"text":"Café “quoted”"}\n'],
      ['empty.jsonl', ''],
    ]);
  });

  test('when a deflated entry is damaged, then the read fails with ArchiveBroken naming the entry', async () => {
    const zip = zipSync({ 'bad.jsonl': [new Uint8Array(4096).fill(0x61), { level: 6 }] });
    // Local header (30 bytes) + name (9): the deflate data starts at 39; a block type 3 is invalid.
    zip[39] = 0xff;
    await expect(readArchive('bad.zip', zip, LIMITS)).rejects.toThrow(ArchiveBroken);
    await expect(readArchive('bad.zip', zip, LIMITS)).rejects.toThrow(/bad\.jsonl/);
  });

  test('when the entries inflate past the byte limit, then the read stops with ArchiveTooLarge', async () => {
    const big = new Uint8Array(1024 * 1024);
    await expect(readArchive('big.zip', zipSync({ 'a.jsonl': [big, { level: 9 }], 'b.jsonl': [big, { level: 9 }] }), { files: 10, bytes: 1_500_000 })).rejects.toThrow(ArchiveTooLarge);
  });
});
