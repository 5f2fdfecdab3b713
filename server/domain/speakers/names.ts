/**
 * Speaker names as written in news text: a title or affiliation in front ("Secretary of State",
 * "Russian President", "Senate Democratic leader") is the role, not part of the name; honorifics
 * ("Mr.", "Dr.") are dropped.
 */

/** Words that end a title: everything up to and including the last of them is the role. */
const TITLE_WORDS = new Set(
  [
    'president', 'vice-president', 'secretary', 'secretary-general', 'minister', 'chancellor', 'senator', 'sen.', 'rep.', 'representative',
    'congressman', 'congresswoman', 'governor', 'gov.', 'mayor', 'ambassador', 'spokesperson', 'spokesman', 'spokeswoman', 'justice', 'judge',
    'leader', 'chief', 'director', 'general', 'gen.', 'admiral', 'adviser', 'advisor', 'chairman', 'chairwoman', 'chair', 'ceo', 'premier',
    'king', 'queen', 'prince', 'pope', 'speaker', 'commissioner', 'envoy', 'attorney', 'prosecutor', 'official', 'correspondent', 'host',
  ],
);
/** Words that continue a title after a title word ("Secretary of State", "Minister for Foreign Affairs"). */
const TITLE_TAIL = /^(?:of|for|the|state|defense|defence|foreign|affairs|general|staff|justice|finance|health|interior|treasury|commerce)$/i;
const HONORIFICS = /^(?:mr|mrs|ms|dr|prof|sir|dame)\.?$/i;

/** A name split into its role (title words in front) and the name proper; `null` when nothing is left of the name. */
export function splitTitle(raw: string): { name: string; role?: string } | null {
  const words = raw.normalize('NFC').replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
  let cut = -1;
  for (let i = 0; i < words.length - 1; i++) {
    if (!TITLE_WORDS.has(words[i].toLowerCase())) continue;
    let j = i;
    while (j + 1 < words.length - 1 && TITLE_TAIL.test(words[j + 1])) j++;
    cut = j;
  }
  const role = cut >= 0 ? words.slice(0, cut + 1).join(' ') : undefined;
  const rest = words.slice(cut + 1).filter((w, i) => !(i === 0 && HONORIFICS.test(w)));
  if (rest.length === 0) return null;
  return { name: rest.join(' '), ...(role ? { role } : {}) };
}

/** A comparison key: case, accents, straight/curly apostrophes and dots ignored. */
export function nameKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’']/g, "'")
    .replace(/\./g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** The last word of a name, as a key ("blinken"). */
export function surnameKey(name: string): string {
  const words = nameKey(name).split(' ');
  return words[words.length - 1];
}

/** The name without its last word, as a key ("antony"); empty for a one-word name. */
export function givenKey(name: string): string {
  return nameKey(name).split(' ').slice(0, -1).join(' ');
}

/**
 * Whether a name can be an entity at all: pronouns ("he"), anonymous descriptions ("a senior
 * official", "sources") and lower-case nouns ("the report") are not speakers one can name.
 */
export function isNameable(name: string): boolean {
  if (/^(?:he|she|they|it|we|i|you)$/i.test(name)) return false;
  if (/^(?:an?|some|several|two|three|many|senior)\s+\p{Ll}/iu.test(name) || /^(?:officials?|sources?)$/i.test(name)) return false;
  return /\p{Lu}/u.test(name);
}

/** Levenshtein distance of two short keys, stopping once it exceeds `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, row[j]);
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[b.length];
}

/** "Anthony" and "Antony": same first letter, at least four letters, one edit apart. */
export function nearMissGiven(a: string, b: string): boolean {
  return a !== b && a.length >= 4 && b.length >= 4 && a[0] === b[0] && editDistance(a, b, 1) <= 1;
}
