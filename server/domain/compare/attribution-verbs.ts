/**
 * The attribution-verb lexicon behind the outlet table's "loaded share". Following newsroom style
 * guidance (AP Stylebook on "said"; Bell, "The Language of News Media", 1991; Caldas-Coulthard,
 * 1994), a verb is:
 *  - neutral when it reports that something was said without judging it ("said", "told");
 *  - loaded when it judges the statement or the speaker: casts doubt ("claimed", "alleged"),
 *    presents it as a concession or confession ("admitted", "conceded", "confided"), or
 *    dramatises it ("averred", "boasted", "revealed", "insisted");
 *  - descriptive when it names a speech act without judging truth ("warned", "argued", "urged").
 * Only the cue's first verb counts ("said in remarks" is "said"). Verbs outside the lexicon are
 * listed but left out of the loaded share.
 */
export type VerbClass = 'neutral' | 'loaded' | 'descriptive';

const LEXICON: Record<VerbClass, string[]> = {
  neutral: ['say', 'said', 'says', 'saying', 'tell', 'told', 'tells', 'add', 'added', 'adds', 'note', 'noted', 'notes', 'state', 'stated', 'states', 'explain', 'explained', 'explains', 'ask', 'asked', 'asks', 'answer', 'answered', 'reply', 'replied', 'replies', 'write', 'wrote', 'writes', 'report', 'reported', 'reports', 'announce', 'announced', 'announces', 'comment', 'commented', 'according', 'responded', 'continued', 'confirmed', 'tweet', 'tweeted', 'tweets', 'posted', 'posts'],
  loaded: ['claim', 'claimed', 'claims', 'admit', 'admitted', 'admits', 'aver', 'averred', 'avers', 'confide', 'confided', 'confides', 'concede', 'conceded', 'concedes', 'allege', 'alleged', 'alleges', 'insist', 'insisted', 'insists', 'boast', 'boasted', 'boasts', 'confess', 'confessed', 'confesses', 'reveal', 'revealed', 'reveals', 'acknowledge', 'acknowledged', 'acknowledges', 'complain', 'complained', 'complains', 'deny', 'denied', 'denies', 'maintain', 'maintained', 'maintains', 'purport', 'purported', 'contend', 'contended', 'lament', 'lamented', 'gloated', 'bragged', 'whined', 'ranted', 'blasted', 'slammed'],
  descriptive: ['warn', 'warned', 'warns', 'argue', 'argued', 'argues', 'urge', 'urged', 'urges', 'vow', 'vowed', 'vows', 'stress', 'stressed', 'stresses', 'declare', 'declared', 'declares', 'suggest', 'suggested', 'suggests', 'believe', 'believes', 'believed', 'predict', 'predicted', 'promise', 'promised', 'recall', 'recalled', 'describe', 'described', 'emphasized', 'emphasised', 'predicts', 'think', 'thinks', 'thought'],
};

const CLASS_OF = new Map<string, VerbClass>(Object.entries(LEXICON).flatMap(([cls, verbs]) => verbs.map((v) => [v, cls as VerbClass] as [string, VerbClass])));

export const ATTRIBUTION_LEXICON: Readonly<Record<VerbClass, readonly string[]>> = LEXICON;

/** The attribution verb of a cue ("told reporters" → "told") and its class; `null` when no word of the cue is in the lexicon. */
export function classifyCue(cue: string | undefined): { verb: string; cls: VerbClass } | null {
  if (!cue) return null;
  for (const word of cue.toLowerCase().split(/[^\p{L}'-]+/u)) {
    const cls = CLASS_OF.get(word);
    if (cls) return { verb: word, cls };
  }
  return null;
}
