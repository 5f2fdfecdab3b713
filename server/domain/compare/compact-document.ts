import type { Label } from '../types.js';
import type { CorpusDocument } from './types.js';

/**
 * A document as the statement index and the compare snapshot keep it between requests: its text
 * as UTF-8 bytes when that is smaller than the string, read back (`text`) when a statement is drawn,
 * a search runs or a page needs it.
 *
 * Why: V8 keeps a string holding any character past U+00FF (a curly quote, a dash: most news texts)
 * at two bytes a character; the same text in UTF-8 is about one byte a character. The compare
 * service keeps every document it matched (the index draws statements from them, searches and the
 * outlet and speaker pages read them), so at 10,000 generated news articles of about 3 KB the texts
 * held 62 MB as strings and about 31 MB as bytes (README "Benchmarks").
 *
 * Exact: a text is kept as bytes only when it is well-formed UTF-16 (no lone surrogate, which UTF-8
 * cannot carry) and its bytes are fewer than its UTF-16 code units take (one-byte texts and most
 * non-Latin scripts are left as they are). Decoded texts are kept in a cache bounded by characters
 * (DECODED_TEXT_CHARS, oldest decoded first out), so drawing the statements of one update or
 * checking a document's word ranges decodes each text once.
 */
export const DECODED_TEXT_CHARS = 4_000_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const WIDE = /[^\x00-\xff]/;

/** Texts decoded and still held, oldest first, with their characters. */
const decoded = new Set<CompactDocument>();
let decodedChars = 0;

class CompactDocument implements CorpusDocument {
  readonly id: string;
  readonly title: string;
  declare readonly outlet?: string;
  declare readonly publishedAt?: string;
  readonly rev: number;
  readonly labels: Label[];
  #bytes: Uint8Array;
  #text: string | null = null;

  constructor(doc: Omit<CorpusDocument, 'text'>, bytes: Uint8Array) {
    this.id = doc.id;
    this.title = doc.title;
    if (doc.outlet !== undefined) this.outlet = doc.outlet;
    if (doc.publishedAt !== undefined) this.publishedAt = doc.publishedAt;
    this.rev = doc.rev;
    this.labels = doc.labels;
    this.#bytes = bytes;
  }

  get text(): string {
    if (this.#text !== null) return this.#text;
    const text = decoder.decode(this.#bytes);
    if (text.length <= DECODED_TEXT_CHARS) {
      this.#text = text;
      decoded.add(this);
      decodedChars += text.length;
      for (const d of decoded) {
        if (decodedChars <= DECODED_TEXT_CHARS) break;
        decoded.delete(d);
        decodedChars -= d.#text!.length;
        d.#text = null;
      }
    }
    return text;
  }

  /** Own enumerable fields as a plain document would have them (JSON, structured clone, test equality read these). */
  toJSON(): CorpusDocument {
    return { id: this.id, title: this.title, ...(this.outlet !== undefined ? { outlet: this.outlet } : {}), ...(this.publishedAt !== undefined ? { publishedAt: this.publishedAt } : {}), rev: this.rev, text: this.text, labels: this.labels };
  }
}

/**
 * `s` as a string of its own. A slice of 13 characters or more is, in V8, a view that keeps the
 * whole string it was cut from: a statement's rendering cut from a decoded text, or a word the index
 * remembers, would keep that document's whole text (two bytes a character) alive for as long as it
 * lives. Kept things cut from texts go through this.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** `doc` kept compact when its text is smaller as UTF-8 (see above); else `doc` itself. */
export function compactDocument(doc: CorpusDocument): CorpusDocument {
  const text = doc.text;
  if (!WIDE.test(text) || LONE_SURROGATE.test(text)) return doc;
  const bytes = encoder.encode(text);
  if (bytes.length >= text.length * 2) return doc;
  const { text: _text, ...rest } = doc;
  return new CompactDocument(rest, bytes);
}
