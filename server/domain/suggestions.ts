/**
 * Rule-based label suggestions: quotations, reported claims and opinion candidates, with speaker,
 * cue and sourcing. The rules live in ./suggestions/ (one idea per file); this module keeps the
 * import path the services and routes use.
 */
export { suggestLabels, rejectionKey, MAX_SUGGESTIONS, fullNameForms, commonNameForms } from './suggestions/index.js';
export type { Suggestion, KnownSpeaker } from './suggestions/index.js';
