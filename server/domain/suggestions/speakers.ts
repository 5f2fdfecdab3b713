import type { KnownSpeaker, Token } from './types.js';

/**
 * Speakers: the name inside a source phrase, with titles kept apart as a role ("Secretary of State
 * Antony Blinken" → speaker "Antony Blinken", role "Secretary of State"); surnames and variant
 * spellings resolved to one full form (the project's known speakers first, then the text's own).
 */
export const TITLE_WORDS = new Set([
  'president', 'secretary', 'minister', 'chancellor', 'senator', 'sen.', 'rep.', 'representative', 'general', 'mr.', 'mrs.', 'ms.', 'dr.',
  'prime', 'deputy', 'foreign', 'defense', 'defence', 'state', 'spokesman', 'spokeswoman', 'spokesperson', 'governor', 'mayor', 'judge',
  'chairman', 'chairwoman', 'chair', 'captain', 'pastor', 'chief', 'executive', 'constable', 'director', 'commissioner', 'ambassador',
  'treasurer', 'coach', 'mr', 'mrs', 'ms', 'miss', 'dr', 'prosecutor', 'councillor', 'councilman', 'councilwoman', 'detective', 'inspector', 'sergeant', 'manager', 'council', 'member', 'leader', 'king', 'queen', 'pope', 'sir', 'lord', 'lady', 'adm.', 'gen.', 'col.',
  'energy', 'finance', 'transport', 'housing', 'health', 'interior', 'economy', 'press', 'white', 'house', 'communications', 'of', 'the', 'us', 'u.s.',
  'ukraine', 'ukrainian', 'russian', 'french', 'german', 'british', 'nato', 'un', 'eu', 'analyst', 'economist', 'professor', 'prof.',
]);
export const ORG_WORDS = /^(?:Ministry|Department|Office|Council|University|Bank|Association|Union|Corp|Corporation|Inc|Institute|Service|Court|Party|Commission|Agency|Fund|Times|Journal|Post|News|Hospital|Club|Forum|Alliance|Board|Group|Authority|Company|Parliament|Government|House|Kremlin|Organization|Organisation|Conference|Summit|Trust|Chamber|Network|Securities|Airlines?|Media|Center|Centre|Foundation|Committee|Council|Police|Army|Navy)$/;

export interface NamedSpeaker { speaker: string; role?: string; person: boolean }

/** The speaker and role in a named source phrase (tokens of one noun phrase, maybe with an apposition). */
export function nameIn(tokens: Token[]): NamedSpeaker {
  // "Owen Pryce of the Rail Users Alliance": the name before "of/at/from" is the speaker, the rest a role.
  const adp = tokens.findIndex((t, i) => i > 0 && /^(?:of|at|from|for)$/.test(t.lower) && isNameToken(tokens[i - 1]) && (i < 2 || isNameToken(tokens[i - 2])));
  if (adp > 0 && !tokens.slice(0, adp).some((t) => t.text === ',')) {
    const head = nameIn(tokens.slice(0, adp));
    if (head.person) return { ...head, role: [head.role, phrase(tokens.slice(adp + 1)).replace(/^the\s+/i, '')].filter(Boolean).join(', ') };
  }
  const comma = tokens.findIndex((t) => t.text === ',');
  const parts = comma === -1 ? [tokens] : [tokens.slice(0, comma), tokens.slice(comma + 1).filter((t) => t.text !== ',')];
  // A full name in either part wins over a place or organisation ("The mayor of Corrado, Helena Costa").
  const order = parts.length === 2 && (trailingName(parts[1])?.length ?? 0) >= 2 && (trailingName(parts[0])?.length ?? 0) < 2 ? [1, 0] : [0, 1];
  for (const i of order.filter((k) => k < parts.length)) {
    const part = parts[i];
    const run = trailingName(part);
    if (!run) continue;
    const other = parts[1 - i];
    const before = part.slice(0, part.length - run.length);
    const roleTokens = before.length ? before : other ?? [];
    let r = 0;
    while (r < roleTokens.length && !(TITLE_WORDS.has(roleTokens[r].lower) || /^\p{Lu}/u.test(roleTokens[r].text)) || (r < roleTokens.length && /^(?:the|a|an)$/i.test(roleTokens[r].text))) r++;
    const role = phrase(roleTokens.slice(r));
    const speaker = phrase(run);
    return { speaker, ...(role && /\p{L}{2}/u.test(role) ? { role } : {}), person: !run.some((t) => ORG_WORDS.test(t.text)) };
  }
  const whole = phrase(parts[0]);
  return { speaker: whole, person: false };
}

/** The name at the end of a phrase: capitalised words (PROPN), titles in front left out. */
function trailingName(part: Token[]): Token[] | null {
  let i = part.length;
  while (i > 0 && isNameToken(part[i - 1])) i--;
  let run = part.slice(i);
  if (!run.length) return null;
  // Titles the model tags as names ("Secretary", "Treasurer") go to the role.
  while (run.length > 1 && TITLE_WORDS.has(run[0].lower)) run = run.slice(1);
  if (run.length === 1 && TITLE_WORDS.has(run[0].lower)) return null;
  return run;
}

const isNameToken = (t: Token) => (t.pos === 'PROPN' || (/^\p{Lu}/u.test(t.text) && t.pos !== 'PRON' && t.pos !== 'DET')) && /^\p{Lu}/u.test(t.text) || (t.text === "'s" && false);

export function phrase(tokens: Token[]): string {
  let out = '';
  for (const [i, t] of tokens.entries()) out += (i === 0 || /^[,.'’]|^'s$|^’s$/.test(t.text) || t.text === "n't" ? '' : ' ') + t.text;
  return out.replace(/\s+([,.])/g, '$1').trim();
}

/** Maps name variants to one form: known speakers first, then the most complete form in the text. */
export class NameResolver {
  private known: { name: string; variants: string[] }[];
  private fullForms = new Map<string, string[]>();

  constructor(knownSpeakers: KnownSpeaker[]) {
    const byName = new Map<string, Set<string>>();
    for (const k of knownSpeakers) {
      const [name, aliases] = typeof k === 'string' ? [k, []] : [k.name, k.aliases ?? []];
      const set = byName.get(name) ?? new Set([name]);
      for (const a of aliases) set.add(a);
      byName.set(name, set);
    }
    this.known = [...byName].map(([name, variants]) => ({ name, variants: [...variants] }));
    for (const k of this.known) {
      for (const v of k.variants) {
        this.byVariant.set(v, this.byVariant.get(v) ?? k);
        const surname = v.split(/\s+/).at(-1)!;
        const list = this.bySurname.get(surname) ?? [];
        if (!list.includes(k)) list.push(k);
        this.bySurname.set(surname, list);
      }
    }
  }
  private byVariant = new Map<string, { name: string; variants: string[] }>();
  private bySurname = new Map<string, { name: string; variants: string[] }[]>();

  /** Records a full name ("First Last") met in the text. */
  noteFullName(name: string): void {
    const parts = name.split(/\s+/);
    if (parts.length < 2) return;
    const surname = parts.at(-1)!;
    const list = this.fullForms.get(surname) ?? [];
    if (!list.includes(name)) list.push(name);
    this.fullForms.set(surname, list);
  }

  private resolved = new Map<string, string>();

  /** The one name for `speaker` (memoised per resolver; full forms must be noted first). */
  resolve(speaker: string): string {
    let name = this.resolved.get(speaker);
    if (name === undefined) {
      name = this.resolveOnce(speaker);
      if (this.resolved.size < 10_000) this.resolved.set(speaker, name);
    }
    return name;
  }

  private resolveOnce(speaker: string): string {
    const parts = speaker.split(/\s+/);
    const surname = parts.at(-1)!;
    if (!/^\p{Lu}/u.test(surname)) return speaker;
    const exact = this.byVariant.get(speaker);
    if (exact) return exact.name;
    const sameSurname = this.bySurname.get(surname) ?? [];
    if (parts.length === 1 && sameSurname.length === 1) return sameSurname[0].name;
    if (parts.length > 1) {
      // A variant spelling of a known name ("Anthony" for "Antony"): same surname, close first name.
      const close = sameSurname.filter((k) => k.variants.some((v) => nearFirstName(v, speaker)));
      if (close.length === 1) return close[0].name;
      return speaker;
    }
    const inText = this.fullForms.get(surname) ?? [];
    return inText.length === 1 ? inText[0] : speaker;
  }
}

function nearFirstName(a: string, b: string): boolean {
  const [fa, fb] = [a.split(/\s+/)[0].toLowerCase(), b.split(/\s+/)[0].toLowerCase()];
  if (a.split(/\s+/).length < 2) return false;
  return editDistance(fa, fb) <= Math.max(1, Math.floor(Math.min(fa.length, fb.length) / 4));
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || a.length > 40 || b.length > 40) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

const FULL_NAME_RUN = /(?:\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)? ){1,3}\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?/gu;
/** At most this much of a text is read for name forms (a name is met early in an article). */
export const NAME_FORMS_MAX_CHARS = 200_000;

/** "First Last" forms in a text (the last two capitalised words of a run, titles dropped), distinct. */
export function fullNameForms(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.slice(0, NAME_FORMS_MAX_CHARS).matchAll(FULL_NAME_RUN)) {
    const words = m[0].split(' ');
    const [first, last] = words.slice(-2);
    if (!TITLE_WORDS.has(first.toLowerCase()) && !ORG_WORDS.test(last) && !ORG_WORDS.test(first)) out.add(`${first} ${last}`);
  }
  return [...out];
}

/**
 * Speakers from the corpus's own spellings: per surname, the form most documents use is the name
 * and close variants of its first name ("Anthony" beside "Antony") are aliases.
 * `perDocument` holds each document's distinct forms (fullNameForms).
 */
export function commonNameForms(perDocument: string[][]): { name: string; aliases: string[] }[] {
  const counts = new Map<string, number>();
  for (const forms of perDocument) for (const f of forms) counts.set(f, (counts.get(f) ?? 0) + 1);
  return commonNameFormsOfCounts(counts);
}

/** `commonNameForms` from the forms already counted over the documents (each form with a count of at least 1). */
export function commonNameFormsOfCounts(counts: ReadonlyMap<string, number>): { name: string; aliases: string[] }[] {
  const bySurname = new Map<string, string[]>();
  for (const f of [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || a.localeCompare(b))) {
    const surname = f.split(' ')[1];
    bySurname.set(surname, [...(bySurname.get(surname) ?? []), f]);
  }
  const out: { name: string; aliases: string[] }[] = [];
  for (const forms of bySurname.values()) {
    const groups: { name: string; aliases: string[] }[] = [];
    for (const f of forms) {
      const g = groups.find((x) => nearFirstName(x.name, f));
      if (g) g.aliases.push(f);
      else groups.push({ name: f, aliases: [] });
    }
    out.push(...groups.filter((g) => g.aliases.length > 0));
  }
  return out;
}
