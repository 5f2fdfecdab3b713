import { genderOf, type Gender } from './gender.js';

/**
 * Who "he", "she" and "I" mean: the last person mentioned whose gender is compatible (the same,
 * or not known). A person's gender comes from a title or role noun ("Mrs", "spokeswoman"), a
 * given name in the lexicon (gender.ts), or an earlier "he"/"she" resolved to them; it is kept
 * per surname, so "Holloway" is the same man as "Grant Holloway". One tracker reads a whole
 * text, chunk after chunk, so the chain is not cut at the internal chunk boundaries.
 * `at` offsets are UTF-16 code units into the whole text.
 */
export interface PersonMention<S> { source: S; key: string; at: number }

/** How many recent mentions are kept: a pronoun never reaches further back than this. */
const MAX_MENTIONS = 50;

export class PersonTracker<S> {
  private readonly mentions: PersonMention<S>[] = [];
  private readonly genders = new Map<string, Gender>();

  /**
   * Records a mention of a person. `key` names the person (a surname, or an anonymous source's
   * words); `name` and `words` (title, role, the source phrase) tell the gender when they can.
   */
  mention(source: S, key: string, at: number, name: string | undefined, words: string[]): void {
    const gender = genderOf(name, words);
    if (gender && !this.genders.has(key)) this.genders.set(key, gender);
    this.mentions.push({ source, key, at });
    if (this.mentions.length > MAX_MENTIONS * 2) this.mentions.splice(0, this.mentions.length - MAX_MENTIONS);
  }

  /** The gender known for a person (by key), or `undefined`. */
  genderOf(key: string): Gender | undefined {
    return this.genders.get(key);
  }

  /** The last person mentioned, whatever the gender ("I", "the British prime minister"). */
  last(): PersonMention<S> | undefined {
    return this.mentions.at(-1);
  }

  /** The last person compatible with `gender`; the person then counts as of that gender. `null` when none. */
  resolve(gender: Gender): PersonMention<S> | null {
    for (let i = this.mentions.length - 1; i >= 0 && i >= this.mentions.length - MAX_MENTIONS; i--) {
      const m = this.mentions[i];
      const known = this.genders.get(m.key);
      if (known && known !== gender) continue;
      if (!known) this.genders.set(m.key, gender);
      return m;
    }
    return null;
  }
}

/** The gender a pronoun asks for, or `undefined` for one that any person fits ("I"). */
export function pronounGender(lower: string): Gender | undefined {
  return lower === 'she' ? 'female' : lower === 'he' ? 'male' : undefined;
}
