import type { Sourcing } from '../types.js';
import type { Token } from './types.js';
import { DOCUMENT_HEADS, OUTLETS } from './cues.js';

/**
 * What kind of source a phrase is (the sourcing scheme of the annotation guideline):
 * named (a person or organisation by name), anonymous (an unnamed person or group), document
 * (a report, statement, filing, or an outlet reporting) — or a pronoun / definite description
 * ("he", "the official") that speakers.ts resolves to an earlier mention.
 */
export type SourceKind = 'pronoun' | 'definite' | Sourcing;

const PRONOUNS = new Set(['he', 'she', 'they', 'it', 'we', 'i']);
const INDEFINITE = new Set(['a', 'an', 'one', 'two', 'three', 'four', 'five', 'several', 'some', 'many', 'other', 'most', 'few', 'various', 'numerous', 'senior', 'unnamed', 'anonymous', 'people', 'sources']);
/** Heads that name a person or group by function, not by name. */
export const PERSON_HEADS = new Set([
  'official', 'officials', 'source', 'sources', 'diplomat', 'diplomats', 'person', 'people', 'spokesman', 'spokeswoman', 'spokesperson',
  'adviser', 'advisers', 'advisor', 'aide', 'aides', 'analyst', 'analysts', 'expert', 'experts', 'economist', 'economists', 'prosecutor',
  'prosecutors', 'investigator', 'investigators', 'officer', 'officers', 'resident', 'residents', 'neighbour', 'neighbor', 'witness',
  'witnesses', 'engineer', 'nurse', 'doctor', 'doctors', 'worker', 'workers', 'employee', 'employees', 'member', 'members', 'lawmakers',
  'legislators', 'strategists', 'critics', 'supporters', 'opponents', 'retailers', 'unions', 'researchers', 'scientists',
  'meteorologists', 'observers', 'insiders', 'executives', 'woman', 'man', 'staff', 'teachers', 'parents', 'farmers', 'leaders',
  'negotiators', 'minister', 'ministers', 'lawyer', 'lawyers', 'activists', 'groups', 'allies', 'governments', 'authorities', 'police',
  'juror', 'voters', 'students', 'fans', 'traders', 'investors', 'bankers', 'admirers',
]);

/** The head noun: the last noun before a preposition, a comma or a participle that post-modifies it. */
export function headOf(tokens: Token[]): Token | undefined {
  let head: Token | undefined;
  for (const t of tokens) {
    if (t.pos === 'ADP' || t.text === ',' || (t.pos === 'VERB' && head)) break;
    if (t.pos === 'NOUN' || t.pos === 'PROPN' || t.pos === 'PRON' || PERSON_HEADS.has(t.lower)) head = t;
  }
  return head ?? tokens.at(-1);
}

export function sourceKind(tokens: Token[], cueLemma: string): SourceKind {
  const text = tokens.map((t) => t.text).join(' ');
  const first = tokens[0];
  if (tokens.length === 1 && PRONOUNS.has(first.lower)) return 'pronoun';
  const head = headOf(tokens);
  const headLower = head?.lower ?? '';
  if (OUTLETS.test(text) || OUTLETS.test(tokens.filter((t) => t.lower !== 'the').map((t) => t.text).join(' '))) return 'document';
  if (DOCUMENT_HEADS.has(headLower)) return first.lower === 'the' && tokens.length === 2 ? 'definite' : 'document';
  if (cueLemma === 'report' && head?.pos === 'PROPN' && !PERSON_HEADS.has(headLower)) return 'document';
  const comma = tokens.findIndex((t) => t.text === ',');
  const apposition = comma === -1 ? [] : tokens.slice(comma + 1);
  if (apposition.filter((t) => t.pos === 'PROPN').length >= 2 || (head?.pos === 'PROPN' && !PERSON_HEADS.has(headLower))) return 'named';
  const fullName = tokens.some((t, i) => t.pos === 'PROPN' && tokens[i + 1]?.pos === 'PROPN' && tokens[i - 1]?.pos !== 'ADP' && !/^(?:US|U\.S\.|EU|UK|UN)$/.test(t.text));
  if (PERSON_HEADS.has(headLower) && headLower.endsWith('s') && first.lower !== 'the' && !fullName) return 'anonymous';
  if (first.lower === 'the' && tokens.length === 2 && PERSON_HEADS.has(headLower)) return 'definite';
  if (INDEFINITE.has(first.lower) && PERSON_HEADS.has(headLower)) return 'anonymous';
  if (INDEFINITE.has(first.lower) && !tokens.some((t) => t.pos === 'PROPN' && /^\p{Lu}\p{Ll}/u.test(t.text) && !/an$|ish$|ese$|ch$/.test(t.lower))) return 'anonymous';
  const beforeHead = tokens.slice(0, head ? tokens.indexOf(head) : tokens.length);
  const namedBeforeHead = beforeHead.some((t) => t.pos === 'PROPN' && !/(?:an|ish|ese|ch|ern)$/.test(t.lower) && !/^(?:US|U\.S\.|EU|UK|UN|NATO)$/.test(t.text));
  if (PERSON_HEADS.has(headLower) && headLower.endsWith('s') && !namedBeforeHead && first.lower !== 'the') return 'anonymous';
  if (head && /^\p{Ll}/u.test(head.text) && PERSON_HEADS.has(headLower) && first.lower !== 'the' && !namedBeforeHead && beforeHead.length === 0) return 'anonymous';
  return 'named';
}
