import type { Sourcing } from '../types.js';

/** A proposed label. Offsets are UTF-16 code units into the text, end exclusive. */
export interface Suggestion {
  /** Stable for the same text and rule: `<type>:<start>-<end>`. */
  id: string;
  type: 'direct-quote' | 'reported-claim' | 'opinion';
  start: number;
  end: number;
  exact: string;
  /** The source as a name ("Antony Blinken") or a description ("a senior EU official"). */
  speaker?: string;
  /** The speaker's title or function as the text gives it ("Secretary of State"). */
  role?: string;
  cue?: string;
  sourcing?: Sourcing;
  /** 0-1: how sure the rule is (the same number as `confidence`, kept for older clients). */
  score: number;
  /** 0-1: how sure the rule is; a reviewer can hide suggestions below a threshold. */
  confidence: number;
  /** The rule's name. */
  rule: string;
  /** Why it was suggested, in words: the cue and source found, or the loaded words and their lexicon. */
  explanation: string;
}

/** A speaker the project knows: a name and the other spellings that mean the same person. */
export type KnownSpeaker = string | { name: string; aliases?: string[] };

/** A span of the text; offsets in UTF-16 code units, end exclusive. */
export interface Span { start: number; end: number }

/** One word or mark, with its part of speech (Universal POS tags) and lemma, lower-cased. */
export interface Token extends Span { text: string; lower: string; pos: string; lemma: string }

export interface Sentence extends Span { tokens: Token[]; paragraph: number }
