import type { Speaker } from './types.js';
import { givenKey, isNameable, nameKey, nearMissGiven, splitTitle, surnameKey } from './names.js';

/** What the document around a label says about who is who. */
export interface ResolveContext {
  /** The document's latest text. */
  text: string;
  /** Speakers already credited on this document's labels. */
  documentSpeakerIds: string[];
}

/** Which speaker a typed name is: an existing one (maybe gaining an alias or role), or a new one. */
export type Resolution =
  | { kind: 'existing'; speaker: Speaker; alias?: string; role?: string; how: 'alias' | 'surname' | 'near-miss' }
  | { kind: 'new'; name: string; role?: string };

/** The speaker a merged one now lives in (following merges); the speaker itself when not merged. */
export function activeSpeaker(speakers: Speaker[], id: string): Speaker | null {
  const byId = new Map(speakers.map((s) => [s.id, s]));
  let s = byId.get(id);
  for (let hops = 0; s?.mergedInto && hops < speakers.length; hops++) s = byId.get(s.mergedInto);
  return s && !s.mergedInto ? s : null;
}

/**
 * Resolves a name typed on a label, simplest rule first; `null` when the name is no nameable
 * entity (a pronoun, "a senior official", "the report"):
 *  1. a known spelling (canonical name or alias, title stripped, case and accents ignored);
 *  2. a surname alone ("Blinken"): the one speaker with that surname already credited in this
 *     document, else the one whose full name appears in the text, else the only one in the project;
 *  3. a near-miss given name with the same surname ("Anthony Blinken" for "Antony Blinken"), only
 *     when the document says it is the same person: it is already credited there, or the text
 *     introduces the name with the speaker's role ("Secretary of State Anthony Blinken").
 *     Otherwise a near miss stays a separate speaker until an editor merges them.
 * Anything else is a new speaker, its title kept as the role.
 */
export function resolveSpeaker(speakers: Speaker[], raw: string, ctx: ResolveContext): Resolution | null {
  const split = splitTitle(raw);
  if (!split || !isNameable(split.name)) return null;
  const { name } = split;
  const role = split.role ?? roleInText(ctx.text, name);
  const active = speakers.filter((s) => !s.mergedInto);
  const key = nameKey(name);
  const withRole = (s: Speaker) => (role && !s.role ? { role } : {});

  const known = active.find((s) => s.aliases.some((a) => nameKey(a) === key) || nameKey(s.name) === key);
  if (known) return { kind: 'existing', speaker: known, how: 'alias', ...withRole(known) };

  const surname = surnameKey(name);
  const sameSurname = active.filter((s) => surnameKey(s.name) === surname);
  if (!key.includes(' ')) {
    const inDocument = sameSurname.filter((s) => ctx.documentSpeakerIds.includes(s.id));
    const inText = sameSurname.filter((s) => s.aliases.some((a) => a.includes(' ') && ctx.text.includes(a)));
    const pick = [inDocument, inText, sameSurname].find((list) => list.length > 0);
    // A bare surname is not kept as an alias: it would later match other people of that name by rule 1.
    if (pick?.length === 1) return { kind: 'existing', speaker: pick[0], how: 'surname', ...withRole(pick[0]) };
    return { kind: 'new', name, ...(role ? { role } : {}) };
  }

  const given = givenKey(name);
  const nearMisses = sameSurname.filter(
    (s) =>
      s.aliases.some((a) => nearMissGiven(givenKey(a), given)) &&
      (ctx.documentSpeakerIds.includes(s.id) || (!!role && !!s.role && nameKey(s.role).endsWith(nameKey(role)))),
  );
  if (nearMisses.length === 1) return { kind: 'existing', speaker: nearMisses[0], how: 'near-miss', alias: name, ...withRole(nearMisses[0]) };
  return { kind: 'new', name, ...(role ? { role } : {}) };
}

/** The title the text puts right before `name` ("Secretary of State Anthony Blinken"), if any: its longest run of capitalised title words. */
export function roleInText(text: string, name: string): string | undefined {
  let at = text.indexOf(name);
  for (let n = 0; at !== -1 && n < 50; n++, at = text.indexOf(name, at + 1)) {
    const words = (text.slice(Math.max(0, at - 80), at).split(/[\n.,;:“”"()]/).pop() ?? '').replace(/[*_]/g, '').trim().split(/\s+/).filter(Boolean);
    for (let k = Math.min(6, words.length); k >= 1; k--) {
      const run = words.slice(-k);
      if (!run.every((w) => /^\p{Lu}/u.test(w) || /^(?:of|for|the)$/.test(w)) || /^(?:of|for|the)$/.test(run[0])) continue;
      const candidate = run.join(' ');
      if (splitTitle(`${candidate} ${name}`)?.role === candidate) return candidate.replace(/^(?:(?:US|U\.S\.|The)\s+)+/, '') || undefined;
    }
  }
  return undefined;
}
