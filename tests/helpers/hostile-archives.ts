import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { zipSync, type Zippable } from 'fflate';

/** Hostile archives, built byte by byte, for the import's refusal tests and benchmarks. */

/** A tar of one 512-byte header that claims `size` bytes of `name` and holds no data. */
export function tarHeaderOnly(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('0', 156);
  h.write('ustar\u000000', 257);
  h.write('        ', 148);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/** A `.tar.gz` whose one entry really holds `size` zero bytes (it compresses about 1000:1). */
export async function tarGzOfZeros(name: string, size: number): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  pack.entry({ name }, Buffer.alloc(size));
  pack.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks), { level: 1 });
}

/** A zip of one entry of `size` zero bytes whose headers declare it is `declared` bytes long. */
export function zipLyingAboutSize(name: string, size: number, declared: number): Buffer {
  const zip = Buffer.from(zipSync({ [name]: new Uint8Array(size) }, { level: 1 }));
  setDeclaredSizes(zip, declared);
  return zip;
}

/** A zip of `count` entries of `each` bytes of zeros, each declaring `declared` bytes (default: the truth). */
export function zipOfMany(count: number, each: number, declared = each): Buffer {
  const files: Zippable = {};
  for (let i = 0; i < count; i++) files[`f${String(i).padStart(5, '0')}.txt`] = new Uint8Array(each);
  const zip = Buffer.from(zipSync(files, { level: 1 }));
  if (declared !== each) setDeclaredSizes(zip, declared);
  return zip;
}

function setDeclaredSizes(zip: Buffer, declared: number): void {
  for (let i = 0; i + 4 <= zip.length; i++) {
    const sig = zip.readUInt32LE(i);
    if (sig === 0x04034b50) zip.writeUInt32LE(declared, i + 22);
    if (sig === 0x02014b50) zip.writeUInt32LE(declared, i + 24);
  }
}

/**
 * A zip whose central directory lists `count` entries that all point at the same local entry of
 * `size` zero bytes (the "overlapping files" zip bomb): a reader trusting the directory inflates
 * the same data `count` times.
 */
export function zipSharingData(count: number, size: number): Buffer {
  const one = Buffer.from(zipSync({ 'a0000.txt': new Uint8Array(size) }, { level: 1 }));
  const eocd = one.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const cdOffset = one.readUInt32LE(eocd + 16);
  const cdSize = one.readUInt32LE(eocd + 12);
  const local = one.subarray(0, cdOffset);
  const record = one.subarray(cdOffset, cdOffset + cdSize);
  const records: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const r = Buffer.from(record);
    r.write(`a${String(i).padStart(4, '0')}.txt`, 46);
    records.push(r);
  }
  const cd = Buffer.concat(records);
  const end = Buffer.from(one.subarray(eocd, eocd + 22));
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(local.length, 16);
  return Buffer.concat([local, cd, end]);
}
