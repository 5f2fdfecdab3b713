/** Longest reviewer or annotator name, in code points. */
export const MAX_NAME_LENGTH = 80;

/** A name as stored: control characters removed, trimmed, cut to 80 code points (never inside a character). */
export function cleanName(raw: string): string {
  return [...raw.replace(/[\u0000-\u001f\u007f]/g, '').trim()].slice(0, MAX_NAME_LENGTH).join('').trim();
}
