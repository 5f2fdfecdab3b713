import { ATTRIBUTE_LIMITS } from '../labels.js';
import { hasLoneSurrogate } from '../text.js';
import { IMPORTED_TYPE_ID } from './type-colors.js';

/** Longest annotator name, as the app cuts names it is given (`routes/actor.ts`); UTF-16 code units. */
export const MAX_ANNOTATOR_LENGTH = 80;
/** Longest `createdAt`/`updatedAt` an import keeps (an ISO timestamp is 24). */
const MAX_TIMESTAMP_LENGTH = 64;

const LINE_CONTROL = /[\u0000-\u001f\u007f]/;
/** Notes may hold tabs and line breaks, nothing else below U+0020. */
const NOTE_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/** What is wrong with one free-text value read from a file, or `null`; lengths are UTF-16 code units. */
function stringProblem(name: string, value: unknown, max: number, multiline = false): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string') return `${name} is not a string`;
  if (value.length > max) return `${name} is ${value.length} characters; the limit is ${max}`;
  if (hasLoneSurrogate(value)) return `${name} contains an unpaired surrogate (invalid Unicode)`;
  if ((multiline ? NOTE_CONTROL : LINE_CONTROL).test(value)) return `${name} contains a control character`;
  return null;
}

/** The label fields an import takes from a file, whichever format it came in. */
export interface ImportedLabelFields {
  type: string;
  speaker?: unknown;
  cue?: unknown;
  note?: unknown;
  annotator?: unknown;
  createdAt?: unknown;
  updatedAt?: unknown;
}

/**
 * Why a label read from a file cannot be stored, or `null`: its type must be a usable type id and
 * its attributes must pass the rules labels made in the app pass (lengths, no control characters,
 * no unpaired surrogates). Offsets are checked separately, against the text they refer to.
 */
export function importedLabelProblem(l: ImportedLabelFields): string | null {
  if (typeof l.type !== 'string' || !IMPORTED_TYPE_ID.test(l.type)) return `the type ${JSON.stringify(l.type)} is not a usable label type id`;
  return (
    stringProblem('speaker', l.speaker, ATTRIBUTE_LIMITS.speaker) ??
    stringProblem('cue', l.cue, ATTRIBUTE_LIMITS.cue) ??
    stringProblem('note', l.note, ATTRIBUTE_LIMITS.note, true) ??
    stringProblem('annotator', l.annotator, MAX_ANNOTATOR_LENGTH) ??
    stringProblem('createdAt', l.createdAt, MAX_TIMESTAMP_LENGTH) ??
    stringProblem('updatedAt', l.updatedAt, MAX_TIMESTAMP_LENGTH)
  );
}

/** Why a one-line string from a file (a revision's author, an event's actor) cannot be stored, or `null`. */
export function lineStringProblem(name: string, value: unknown, max: number): string | null {
  return stringProblem(name, value, max);
}
