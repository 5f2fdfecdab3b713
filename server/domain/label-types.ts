import type { LabelTypeDef } from './types.js';

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
