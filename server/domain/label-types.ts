import type { DocumentRecord, LabelTypeDef } from './types.js';

/**
 * The built-in label types. Colours are from the Okabe-Ito palette (distinguishable with the
 * common colour-vision deficiencies) and each type also has its own line style, so colour is
 * never the only cue.
 */
export const BUILT_IN_TYPES: (LabelTypeDef & { line: 'solid' | 'dashed' | 'dotted' })[] = [
  { id: 'direct-quote', name: 'Direct quote', key: '1', color: '#0072B2', line: 'solid' },
  { id: 'reported-claim', name: 'Reported claim', key: '2', color: '#D55E00', line: 'dashed' },
  { id: 'opinion', name: 'Opinion', key: '3', color: '#CC79A7', line: 'dotted' },
];

export function typeName(types: LabelTypeDef[], id: string): string {
  return types.find((t) => t.id === id)?.name ?? id;
}

export function isBuiltInType(id: string): boolean {
  return BUILT_IN_TYPES.some((t) => t.id === id);
}

/** The longest display name of a label type, in UTF-16 code units. */
export const MAX_TYPE_NAME_LENGTH = 60;

/**
 * Letters from Cyrillic and Greek that look like Latin ones (a subset of Unicode's confusables,
 * the letters that pass for Latin in most fonts), mapped to the Latin letter they imitate.
 */
const LOOK_ALIKES: Record<string, string> = {
  а: 'a', в: 'b', с: 'c', е: 'e', һ: 'h', і: 'i', ј: 'j', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', ԛ: 'q', ѕ: 's', т: 't', у: 'y', х: 'x', ԝ: 'w', ԁ: 'd', ӏ: 'l',
  А: 'A', В: 'B', С: 'C', Е: 'E', Н: 'H', І: 'I', Ј: 'J', К: 'K', М: 'M', О: 'O', Р: 'P', Ѕ: 'S', Т: 'T', Х: 'X', У: 'Y', Ԝ: 'W',
  α: 'a', ο: 'o', ρ: 'p', ν: 'v', τ: 't', ι: 'i', κ: 'k', υ: 'u', χ: 'x', ε: 'e',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
};

/**
 * The name (or type id) as it reads: NFKC, look-alike letters replaced by the Latin ones, case and
 * punctuation dropped. Folds everything `typeIdKey` (type-ids.ts) folds, plus the look-alikes.
 */
export function nameSkeleton(name: string): string {
  const folded = [...name.normalize('NFKC')].map((c) => LOOK_ALIKES[c] ?? c).join('');
  return folded.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

function scriptsOf(name: string): Set<string> {
  const scripts = new Set<string>();
  for (const c of name) {
    if (/\p{Script=Latin}/u.test(c)) scripts.add('Latin');
    else if (/\p{Script=Cyrillic}/u.test(c)) scripts.add('Cyrillic');
    else if (/\p{Script=Greek}/u.test(c)) scripts.add('Greek');
    else if (/\p{L}/u.test(c)) scripts.add('other');
  }
  return scripts;
}

/**
 * Why `name` cannot name a label type next to `types` (the type `selfId` itself excepted), or
 * `null`. The name is read in NFKC; a word mixing Latin with Cyrillic or Greek letters, or a name
 * that reads like another type's name or id once look-alike letters, case and punctuation are
 * folded, is refused: two types a reader cannot tell apart would split one category in two.
 */
export function typeNameProblem(types: LabelTypeDef[], name: string, selfId: string | null): string | null {
  const clean = name.normalize('NFKC').trim();
  if (clean === '') return 'name is required';
  if (clean.length > MAX_TYPE_NAME_LENGTH) return `name must be at most ${MAX_TYPE_NAME_LENGTH} characters`;
  if (/[\p{Cc}\p{Cf}]/u.test(clean)) return 'name contains a control or invisible formatting character';
  for (const word of clean.split(/\s+/)) {
    const scripts = scriptsOf(word);
    if (scripts.has('Latin') && (scripts.has('Cyrillic') || scripts.has('Greek'))) {
      return `name "${clean}" mixes Latin letters with ${scripts.has('Cyrillic') ? 'Cyrillic' : 'Greek'} look-alikes in "${word}"`;
    }
  }
  const skeleton = nameSkeleton(clean);
  const twin = types.find((t) => t.id !== selfId && (nameSkeleton(t.name) === skeleton || nameSkeleton(t.id) === skeleton));
  if (twin) return `name "${clean}" reads like the existing type "${twin.name}" (${twin.id})`;
  return null;
}

/** What a label type change may set; `key: ''` removes the key. */
export interface LabelTypePatch {
  name?: string;
  color?: string;
  key?: string;
}

/** Why `patch` cannot apply to type `id` among `types`, or `null`. */
export function labelTypePatchProblem(types: LabelTypeDef[], id: string, patch: LabelTypePatch, reservedKeys: string[]): string | null {
  if (patch.name !== undefined) {
    const problem = typeNameProblem(types, patch.name, id);
    if (problem) return problem;
  }
  if (patch.color !== undefined && !/^#[0-9a-fA-F]{6}$/.test(patch.color)) return 'color must be a hex colour like #009E73';
  if (patch.key !== undefined && patch.key !== '') {
    if (!/^[0-9a-z]$/.test(patch.key)) return 'key must be one digit or lower-case letter';
    if (reservedKeys.includes(patch.key)) return `key "${patch.key}" is an editor shortcut already`;
    const taken = types.find((t) => t.key === patch.key && t.id !== id);
    if (taken) return `key "${patch.key}" is taken by "${taken.name}"`;
  }
  return null;
}

/** The type with `patch` applied (name in NFKC, trimmed; `key: ''` removes the key). */
export function patchedType(def: LabelTypeDef, patch: LabelTypePatch): LabelTypeDef {
  const next: LabelTypeDef = { ...def };
  if (patch.name !== undefined) next.name = patch.name.normalize('NFKC').trim();
  if (patch.color !== undefined) next.color = patch.color;
  if (patch.key === '') delete next.key;
  else if (patch.key !== undefined) next.key = patch.key;
  return next;
}

/**
 * Moves every label of type `from` to type `into` on one document, the current labels and the ones
 * kept on older revisions, and records it in the history. Returns how many current labels moved
 * (0 leaves the document as it was: no event).
 */
export function mergeTypeOnDocument(doc: DocumentRecord, from: string, into: string, actor: string, at: string): number {
  const moved = doc.labels.filter((l) => l.type === from);
  const older = doc.revisions.flatMap((r) => (r.labels ?? []).filter((l) => l.type === from));
  if (moved.length === 0 && older.length === 0) return 0;
  for (const l of [...moved, ...older]) l.type = into;
  for (const l of moved) l.updatedAt = at;
  doc.events.push({ at, actor, kind: 'label-type.merged', before: { type: from }, after: { type: into, labelIds: moved.map((l) => l.id) } });
  return moved.length;
}
