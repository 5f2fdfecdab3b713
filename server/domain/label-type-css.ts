import type { LabelTypeDef } from './types.js';
import { BUILT_IN_TYPES, nameSkeleton, typeNameProblem } from './label-types.js';

const SAFE_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const HEX = /^#[0-9a-fA-F]{6}$/;

/**
 * CSS for the label types added to the built-in ones: each gets its colour on highlights, chips,
 * list items and toolbar buttons. Types with an unsafe id or colour are left out (they fall back to
 * the generic custom style), so nothing a user typed can break out of the stylesheet.
 */
export function labelTypeCss(types: LabelTypeDef[]): string {
  // A built-in type gets a rule only when its colour was changed (its default is in style.css).
  const builtIn = new Map(BUILT_IN_TYPES.map((t) => [t.id, t.color.toLowerCase()]));
  return types
    .filter((t) => builtIn.get(t.id) !== t.color.toLowerCase() && SAFE_ID.test(t.id) && HEX.test(t.color))
    .map((t) => {
      const c = t.color.toLowerCase();
      const sel = `.t-${t.id}`;
      return [
        `.hl${sel} { --c: ${c}; --bg: ${c}26; --ls: ${BUILT_IN_TYPES.find((b) => b.id === t.id)?.line ?? 'solid'}; }`,
        `.chip${sel} { background: ${c}26; color: #222; box-shadow: inset 3px 0 0 ${c}; }`,
        `.label-item${sel}, .type-btn${sel} { border-left-color: ${c}; }`,
      ].join('\n');
    })
    .join('\n');
}

/** Checks a new type against the known ones; returns the problem in words, or `null`. */
export function labelTypeProblem(types: LabelTypeDef[], def: LabelTypeDef, reservedKeys: string[]): string | null {
  if (!SAFE_ID.test(def.id)) return 'id must start with a letter and hold only letters, digits, "_" and "-" (at most 64)';
  if (types.some((t) => nameSkeleton(t.id) === nameSkeleton(def.id))) return `a label type "${def.id}" exists already`;
  const nameProblem = typeNameProblem(types, def.name, null);
  if (nameProblem) return nameProblem;
  if (!HEX.test(def.color)) return 'color must be a hex colour like #009E73';
  if (def.key !== undefined) {
    if (!/^[0-9a-z]$/.test(def.key)) return 'key must be one digit or lower-case letter';
    if (reservedKeys.includes(def.key)) return `key "${def.key}" is an editor shortcut already`;
    const taken = types.find((t) => t.key === def.key);
    if (taken) return `key "${def.key}" is taken by "${taken.name}"`;
  }
  return null;
}
