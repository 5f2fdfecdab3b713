/** Speaker and outlet names compare case-insensitively, with spacing and Unicode form ignored. */
export function nameKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

export function sameName(a: string | undefined, b: string): boolean {
  return a !== undefined && nameKey(a) === nameKey(b);
}
