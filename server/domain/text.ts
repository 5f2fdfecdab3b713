/**
 * Text normalisation and offset conversion.
 * "UTF-16 offsets" are JavaScript string indices; "code point offsets" count Unicode scalar values,
 * as brat, doccano, W3C TextPositionSelector and CoNLL readers do.
 */

/** Line endings to `\n`, Unicode to NFC: the only changes ever made to imported text. */
export function normalizeText(text: string): string {
  return text.replace(/\r\n?/g, '\n').normalize('NFC');
}

/** Converts a UTF-16 offset into `text` to a code point offset. */
export function utf16ToCodePoint(text: string, offset: number): number {
  let cp = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < offset) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    cp++;
  }
  return cp;
}

/** Converts a code point offset into `text` to a UTF-16 offset; `null` when past the end. */
export function codePointToUtf16(text: string, cpOffset: number): number | null {
  let i = 0;
  for (let cp = 0; cp < cpOffset; cp++) {
    if (i >= text.length) return null;
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1)) ? 2 : 1;
  }
  return i;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** True when a UTF-16 offset falls between the two halves of a surrogate pair. */
export function splitsSurrogatePair(text: string, offset: number): boolean {
  if (offset <= 0 || offset >= text.length) return false;
  const before = text.charCodeAt(offset - 1);
  return before >= 0xd800 && before <= 0xdbff && isLowSurrogate(text.charCodeAt(offset));
}

/** True when the string holds an unpaired surrogate (not representable in UTF-8). */
export function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/**
 * Paragraphs as UTF-16 [start, end) ranges. Every line break ends a paragraph (news text uses
 * both blank lines and single breaks between paragraphs); whitespace after a break is skipped.
 */
export function paragraphs(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const re = /\n\s*/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > start) out.push({ start, end: m.index });
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push({ start, end: text.length });
  return out;
}
