import { diffWordLists, diffWords } from './word-diff.js';

/** What choosing the closest-to-verbatim rendering looks at. */
export interface ReferenceCandidate {
  text: string;
  /** Labelled as a direct quote by an annotator. */
  directQuote: boolean;
  /** Inside quotation marks. */
  quoted: boolean;
  publishedAt?: string;
}

/** Agreement is measured against at most this many renderings, so a huge statement costs O(n), not O(n²). */
const MAX_PEERS = 24;

/**
 * Index of the rendering closest to verbatim: one labelled as a direct quote, else one inside
 * quotation marks; among those, the one whose words agree most with all the others (the
 * medoid: a cut or paraphrased rendering agrees less with the rest), then the longer, then the
 * earlier published, then the first in corpus order.
 */
export function pickReference(candidates: ReferenceCandidate[]): number {
  const words = candidates.map((c) => diffWords(c.text));
  const peers = words.slice(0, MAX_PEERS);
  const agreement = words.map((mine, i) => peers.reduce((sum, other, j) => (i === j ? sum : sum + diffWordLists(other, mine).similarity), 0));
  const order = candidates.map((_, i) => i);
  order.sort((x, y) => {
    const a = candidates[x];
    const b = candidates[y];
    return (
      rank(b) - rank(a) ||
      agreement[y] - agreement[x] ||
      b.text.length - a.text.length ||
      (a.publishedAt ?? '9999').localeCompare(b.publishedAt ?? '9999') ||
      x - y
    );
  });
  return order[0];
}

function rank(c: ReferenceCandidate): number {
  return (c.directQuote ? 2 : 0) + (c.quoted ? 1 : 0);
}
