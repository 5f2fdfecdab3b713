/**
 * The cue lexicon: reporting verbs and phrases that introduce what someone said, after the
 * PARC / PolNeAR attribution scheme. Matched on wink-nlp's lemma, or on the surface forms below
 * when the model's lemma is off ("says" tagged as a noun, "told" lemmatised as "told").
 *
 * - REPORTING verbs introduce a reported claim or a quotation: "X said (that) …", "…, X said".
 * - TELLING verbs take the hearer first: "X told reporters (that) …", "X warned Putin that …".
 * - QUOTE_ONLY verbs attribute quoted words but rarely a claim: "called it “…”", "described … as “…”".
 * - Phrases: "according to X", "in a statement", passives "it was reported that", "X reported".
 */
export const REPORTING = [
  'say', 'tell', 'add', 'note', 'argue', 'claim', 'state', 'insist', 'explain', 'answer', 'reply', 'reveal', 'write',
  'confirm', 'announce', 'acknowledge', 'admit', 'confide', 'suggest', 'declare', 'stress', 'warn', 'deny', 'contend',
  'assert', 'aver', 'maintain', 'believe', 'report', 'predict', 'estimate', 'conclude', 'find', 'show', 'concede',
  'allege', 'complain', 'recall', 'remark', 'observe', 'emphasise', 'emphasize', 'point', 'testify', 'signal',
  'reiterate', 'agree', 'disclose', 'indicate', 'hint', 'counter', 'caution', 'worry', 'fear', 'promise', 'vow',
  'assure', 'inform', 'brief', 'advise', 'expect', 'think', 'understand', 'accuse', 'clarify', 'contradict',
] as const;
export const TELLING = new Set(['tell', 'warn', 'assure', 'inform', 'brief', 'advise', 'remind', 'promise', 'urge']);
export const QUOTE_ONLY = ['call', 'describe', 'dub', 'label', 'urge', 'demand', 'praise', 'condemn', 'dismiss', 'ask', 'cite', 'term', 'brand', 'hail', 'welcome'] as const;

/** Verbs that take a clause only through "that" (a that-less reading would be too loose). */
export const THAT_ONLY = new Set(['find', 'show', 'indicate', 'signal', 'expect', 'think', 'understand', 'believe', 'fear', 'worry', 'agree', 'conclude', 'point', 'hint', 'accuse', 'recall', 'promise', 'vow']);

const IRREGULAR: Record<string, string> = {
  said: 'say', says: 'say', saying: 'say', told: 'tell', tells: 'tell', telling: 'tell', wrote: 'write', written: 'write',
  writes: 'write', writing: 'write', found: 'find', finds: 'find', shown: 'show', thought: 'think', understood: 'understand',
  denied: 'deny', denies: 'deny', denying: 'deny', replied: 'reply', replies: 'reply', testified: 'testify', averred: 'aver',
};

const ALL = new Set<string>([...REPORTING, ...QUOTE_ONLY]);

/** The cue lemma of a word, or `null`: irregular forms, then the model's lemma, then -s/-ed/-ing stripped. */
export function cueLemma(lower: string, modelLemma: string): string | null {
  const key = `${lower} ${modelLemma}`;
  const cached = LEMMA_CACHE.get(key);
  if (cached !== undefined) return cached;
  if (LEMMA_CACHE.size > 20_000) LEMMA_CACHE.clear();
  const lemma = readCueLemma(lower, modelLemma);
  LEMMA_CACHE.set(key, lemma);
  return lemma;
}
const LEMMA_CACHE = new Map<string, string | null>();

function readCueLemma(lower: string, modelLemma: string): string | null {
  if (!/^\p{L}/u.test(lower)) return null;
  const irregular = IRREGULAR[lower];
  if (irregular) return irregular;
  if (ALL.has(modelLemma)) return modelLemma;
  for (const stem of [lower.replace(/(?:e?s|e?d|ing)$/, ''), lower.replace(/(?:s|d|ing)$/, ''), lower.replace(/ing$/, 'e')]) if (ALL.has(stem)) return stem;
  return null;
}

export const isReporting = (lemma: string) => (REPORTING as readonly string[]).includes(lemma);

/** Passive frames with no source: "it was reported that", "it is understood that". */
export const PASSIVE_FRAME = /\b[Ii]t (?:is|was|has been|had been) (?:widely |also |now )?(reported|understood|believed|claimed|alleged|announced|said|thought|expected|feared|rumoured|rumored)(?: [\w ]{0,30}?)? that\s/g;

/** Nouns that make a source a document, not a person. */
export const DOCUMENT_HEADS = new Set([
  'report', 'reports', 'statement', 'statements', 'study', 'studies', 'filing', 'minutes', 'indictment', 'data', 'figures',
  'poll', 'survey', 'memo', 'document', 'documents', 'letter', 'assessment', 'assessments', 'analysis', 'ruling', 'complaint',
  'lawsuit', 'records', 'transcript', 'newspaper', 'paper', 'media', 'press', 'journal', 'website', 'site', 'broadcaster',
  'outlet', 'agency', 'estimates', 'review', 'audit', 'research', 'paper',
]);
/** Outlets by name: a quotation or claim attributed to them is sourced from a document. */
export const OUTLETS = /^(?:CNN|BBC|AP|AFP|Reuters|Bloomberg|Axios|NBC|CBS|ABC|Fox|Politico|[Tt]he (?:Sunday |New York |Financial |Washington |Wall Street )?(?:Times|Journal|Post|Guardian|Telegraph|Chronicle|Gazette|Courier|Ledger|Herald)|[Tt]he (?:newspaper|paper)|[Ll]ocal media|Wire)\b/;

/** A cheap pre-check: a sentence with none of these word starts has no cue (its tokens need not be read). */
export const CUE_HINT = new RegExp(`(?<![\\p{L}])(?:${[...new Set([...REPORTING, ...QUOTE_ONLY].map((l) => (/[^aeiou]y$/.test(l) ? l.slice(0, -1) : l.replace(/e$/, ''))))].join('|')}|${Object.keys(IRREGULAR).join('|')}|accord)`, 'iu');
