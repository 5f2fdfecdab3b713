/** Small deterministic string hashes (FNV-1a), so ids and shingles are the same on every run. */

/** 32-bit FNV-1a over the UTF-16 code units of `s`, as an unsigned integer. */
export function fnv1a32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** 64 bits as 16 hex digits: two FNV-1a runs with different seeds. */
export function hashHex64(s: string): string {
  const a = fnv1a32(s).toString(16).padStart(8, '0');
  const b = fnv1a32(s, 0x01000193 ^ 0x9e3779b9).toString(16).padStart(8, '0');
  return a + b;
}
