const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });
/** A surrogate without its other half: UTF-8 cannot hold it, so such a string is added as a string. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Builds a piece of CoNLL text as UTF-8 bytes (token text, offsets written digit by digit) and
 * gives it back as one flat string: no string per token or per line. `take()` returns exactly the
 * string that concatenating everything written would give, lone surrogates included.
 */
export class LineWriter {
  private buf: Uint8Array;
  private pos = 0;
  /** What was written before a string with a lone surrogate, as a string. */
  private before = '';

  constructor(capacity = 4096) {
    this.buf = new Uint8Array(capacity);
  }

  /** Makes room for `bytes` more bytes. */
  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (this.pos + bytes > size) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** text[start, end) (UTF-16 offsets). */
  slice(text: string, start: number, end: number): void {
    this.room((end - start) * 3);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = pos;
        this.nonAscii(text.slice(i, end));
        return;
      }
      buf[pos++] = c;
    }
    this.pos = pos;
  }

  string(s: string): void {
    this.slice(s, 0, s.length);
  }

  private nonAscii(s: string): void {
    if (LONE_SURROGATE.test(s)) {
      this.before += fromUtf8.decode(this.buf.subarray(0, this.pos)) + s;
      this.pos = 0;
      return;
    }
    this.pos += utf8.encodeInto(s, this.buf.subarray(this.pos)).written;
  }

  /** One ASCII character (a code below 0x80). */
  char(code: number): void {
    this.room(1);
    this.buf[this.pos++] = code;
  }

  /** `TOKEN START END` for text[start, end): the token's text and two whole numbers (0 to 2^31 - 1). */
  token(text: string, start: number, end: number, first: number, second: number): void {
    this.slice(text, start, end);
    this.room(22);
    const buf = this.buf;
    buf[this.pos++] = 0x20;
    this.pos = writeNumber(buf, this.pos, first);
    buf[this.pos++] = 0x20;
    this.pos = writeNumber(buf, this.pos, second);
  }

  /** ` O` and a line break: the tag of a token outside every label. */
  outside(): void {
    this.room(3);
    const buf = this.buf;
    buf[this.pos] = 0x20;
    buf[this.pos + 1] = 0x4f;
    buf[this.pos + 2] = 0x0a;
    this.pos += 3;
  }

  /** Everything written since the last `take`, as a string. */
  take(): string {
    const out = this.before + fromUtf8.decode(this.buf.subarray(0, this.pos));
    this.before = '';
    this.pos = 0;
    return out;
  }
}

/** Writes `n` (0 to 2^31 - 1) in decimal at `pos`; returns the position after it. */
function writeNumber(buf: Uint8Array, pos: number, n: number): number {
  let digits = 1;
  for (let m = n; m >= 10; m = (m / 10) | 0) digits++;
  const after = pos + digits;
  let p = after;
  do {
    buf[--p] = 0x30 + (n % 10);
    n = (n / 10) | 0;
  } while (n > 0);
  return after;
}
