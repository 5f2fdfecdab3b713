import { isContentWord, NEGATIONS } from './stopwords.js';
import { ownString } from './compact-document.js';
import { ShardedMap, wordShard } from './sharded-map.js';

/**
 * Numbers normalised words, so passages hold their words as integer arrays: compact, and cheap to
 * compare in the alignment's inner loop. Knows which ids are content words and negations.
 */
export class WordIds {
  /** Sharded: random text brings hundreds of thousands of new words at once (see ShardedMap). */
  private readonly ids = new ShardedMap<string, number>(wordShard);
  /** 1 for a content word, 0 for a function word, by id. */
  readonly content: number[] = [];
  /** 1 for a negation ("not", "never"…), by id. */
  readonly negation: number[] = [];
  /** The word of each id. */
  private readonly words: string[] = [];

  of(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      word = ownString(word); // a word cut from a text would keep the whole text alive (compact-document.ts)
      id = this.words.length;
      this.ids.set(word, id);
      this.words.push(word);
      this.content.push(isContentWord(word) ? 1 : 0);
      this.negation.push(NEGATIONS.has(word) ? 1 : 0);
    }
    return id;
  }

  /** Number of ids given. */
  get size(): number {
    return this.words.length;
  }

  /** The word an id stands for. */
  word(id: number): string {
    return this.words[id];
  }
}
