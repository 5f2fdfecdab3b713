/**
 * Label type ids compared the way a person reads them: case, punctuation and spacing do not count,
 * so `Direct-Quote`, `direct_quote` and `DIRECT QUOTE` are one type. Compatibility forms (NFKC) are
 * folded first, so a full-width `ＯＰＩＮＩＯＮ` meets `opinion` too.
 */
export function typeIdKey(id: string): string {
  return id.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Whether two type ids name the same type once case and punctuation are ignored. */
export function sameTypeId(a: string, b: string): boolean {
  return typeIdKey(a) === typeIdKey(b);
}

/**
 * The id among `known` that `id` names (exactly, or ignoring case and punctuation); `null` when
 * none does. An exact match wins over a look-alike.
 */
export function findTypeId(id: string, known: Iterable<string>): string | null {
  const key = typeIdKey(id);
  let alike: string | null = null;
  for (const k of known) {
    if (k === id) return k;
    if (alike === null && typeIdKey(k) === key) alike = k;
  }
  return alike;
}

/** What a `map=` (theirs to ours) says a type becomes: the exact key first, then one naming it ignoring case and punctuation; the type itself when the map does not name it. */
export function mappedType(map: Record<string, string>, type: string): string {
  if (Object.hasOwn(map, type)) return map[type];
  const key = findTypeId(type, Object.keys(map));
  return key === null ? type : map[key];
}
