import { normalizeText } from '../text.js';

/**
 * Normalises a text the way every imported text is (line endings to `\n`, NFC) and maps UTF-16
 * offsets into the original to offsets into the result. Each stretch between two offsets is
 * normalised on its own, so the map is exact; `null` when an offset falls inside a sequence that
 * normalisation changes as a whole (a `\r\n`, or a letter and its combining accent).
 */
export function normalizeWithOffsets(text: string, offsets: number[]): { text: string; map: Map<number, number> } | null {
  const normalized = normalizeText(text);
  const cuts = [...new Set([0, ...offsets.filter((o) => o > 0 && o < text.length), text.length])].sort((a, b) => a - b);
  const map = new Map<number, number>();
  if (normalized === text) {
    for (const o of offsets) map.set(o, o);
    return { text, map };
  }
  let out = '';
  for (let i = 0; i < cuts.length; i++) {
    map.set(cuts[i], out.length);
    if (i + 1 < cuts.length) out += normalizeText(text.slice(cuts[i], cuts[i + 1]));
  }
  if (out !== normalized) return null;
  return { text: out, map };
}
