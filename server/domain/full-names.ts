/** A word character as `\b` sees it in a regular expression without the `u` flag. */
const WORD = /\w/;
/** A capitalised first name and the space after it, with a capital letter following. */
const FIRST = /\b[A-Z][a-z]+ (?=[A-Z])/g;
/** The run of name characters a surname is taken from. */
const RUN = /[\w'’-]+/y;

/**
 * The "First Last" names in `text` whose last part is one of `surnames`, by surname, found in one
 * pass over the text whatever the number of surnames (a regular expression per surname costs a
 * scan of the text each: 300 surnames over 2,000,000 characters took half a second). Matches what
 * `/\bFirst Last\b/g` finds for each surname: a capitalised word of lower-case letters, one space,
 * the surname, then a word boundary; names that overlap ("Ann Lin Lin-Kim") are all found.
 */
export function namesEndingWith(text: string, surnames: Iterable<string>): Map<string, Set<string>> {
  const wanted = new Set(surnames);
  const found = new Map<string, Set<string>>();
  if (wanted.size === 0) return found;
  const longest = Math.max(...[...wanted].map((s) => s.length));
  const isWord = (at: number) => at < text.length && WORD.test(text[at]);
  for (const m of text.matchAll(FIRST)) {
    const at = m.index + m[0].length;
    RUN.lastIndex = at;
    const run = RUN.exec(text);
    if (!run) continue;
    const last = at + Math.min(run[0].length, longest);
    for (let end = at + 1; end <= last; end++) {
      if (isWord(end - 1) === isWord(end)) continue; // no word boundary here
      const surname = text.slice(at, end);
      if (!wanted.has(surname)) continue;
      const names = found.get(surname) ?? new Set<string>();
      names.add(`${m[0]}${surname}`);
      found.set(surname, names);
    }
  }
  return found;
}
