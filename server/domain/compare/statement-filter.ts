import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { StatementCluster } from './types.js';
import { classifyCue } from './attribution-verbs.js';

/**
 * A statement is a clause or a quotation, not a name. Renderings shared only as a noun phrase
 * ("Justice Antonin Scalia", "the Democratic National Convention", "tens of thousands of
 * dollars", "Senate Democratic leader Harry Reid") or as an attribution without its content
 * ("Trump tweeted Tuesday") recur across unrelated articles as captions, headings and lead-ins,
 * and are not statements. A cluster is kept when one of its renderings is inside quotation marks,
 * carries a direct-quote or reported-claim label, or has a verb (wink-nlp part of speech VERB or
 * AUX) other than an attribution verb.
 */
let nlp: ReturnType<typeof winkNLP> | undefined;
const wink = () => (nlp ??= winkNLP(model, ['pos']));

/** Longest rendering read by the tagger: a longer one is a clause anyway (noun phrases are short). */
const MAX_TAGGED = 400;

/** Whether `text` holds a verb that says more than who spoke ("said", "tweeted"). */
export function hasContentVerb(text: string): boolean {
  if (text.length > MAX_TAGGED) return true;
  const w = wink();
  const doc = w.readDoc(text);
  const words = doc.tokens().out(w.its.value) as string[];
  const pos = doc.tokens().out(w.its.pos) as string[];
  return pos.some((p, i) => (p === 'VERB' || p === 'AUX') && classifyCue(words[i]) === null);
}

const STATEMENT_LABELS = new Set(['direct-quote', 'reported-claim']);

export function isStatementCluster(c: StatementCluster): boolean {
  return c.renderings.some((r) => r.quoted || (r.label && STATEMENT_LABELS.has(r.label.type))) || c.renderings.some((r) => hasContentVerb(r.text));
}
