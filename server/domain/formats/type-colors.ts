import type { LabelTypeDef } from '../types.js';

/** The Okabe-Ito palette minus the three colours the built-in types use, then the rest again. */
export const OKABE_ITO = ['#009E73', '#E69F00', '#56B4E9', '#F0E442', '#000000', '#0072B2', '#D55E00', '#CC79A7'];

/** Type ids an import may add: a letter or digit, then letters, digits, `_`, `-`, `.`, `:`; at most 64. */
export const IMPORTED_TYPE_ID = /^[\p{L}\p{N}][\p{L}\p{N}_.:-]{0,63}$/u;

/**
 * Definitions for types an import keeps from another tool, named as the tool named them, with
 * colours from the Okabe-Ito palette continuing after the types added before (built-ins excluded), and no key.
 */
export function newTypeDefs(ids: string[], existing: LabelTypeDef[]): LabelTypeDef[] {
  const known = new Set(existing.map((t) => t.id));
  const fresh = [...new Set(ids)].filter((id) => !known.has(id));
  return fresh.map((id, i) => ({ id, name: id, color: OKABE_ITO[(Math.max(0, existing.length - 3) + i) % OKABE_ITO.length] }));
}
